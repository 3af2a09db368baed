"""Broadcast benchmark (issue 4): hand 1,000,000 recipients to the local gateway, with 100 ms of
simulated gateway latency, using 2 worker processes, on embedded defaults (SQLite, embedded Redis).

Seeds the subscribers, starts the Procfile's web process, the local gateway (its own process, as
Procfile.demo runs it) and two `python -m workers`, creates an urgent broadcast, and times it from the moment
the broadcast starts (a worker's tick marks it running) until the gateway has accepted every
recipient; the time from launching the workers (their start-up included) is printed too.
Prints recipients/s, each worker's peak RSS (its largest process) and PSS (the worker and the
job it forked), CPU seconds per part, and the gateway's own counts: messages, distinct numbers
and duplicates. Targets: <= 60 s, <= 250 MB per worker, 0 duplicates.

    .venv/bin/python bench/broadcast_load.py [--recipients 1000000] [--latency-ms 100]
"""

import argparse
import sys
import time
from pathlib import Path

import psutil

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from stack import ServiceStack  # noqa: E402

TARGET_SECONDS = 60
TARGET_RSS_MB = 250


def worker_memory(worker):
    """(largest RSS of the worker and the job process it forked, their PSS summed), in bytes.

    RSS of the two is not summed: the forked job shares most of its pages with the worker.
    PSS splits shared pages between them, so its sum is what the pair really holds.
    """
    try:
        processes = [worker, *worker.children(recursive=True)]
        infos = [process.memory_full_info() for process in processes]
    except psutil.NoSuchProcess:
        return 0, 0
    return max(info.rss for info in infos), sum(info.pss for info in infos)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--recipients", type=int, default=1_000_000)
    parser.add_argument("--latency-ms", type=int, default=100)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--sender-threads", type=int, default=8, help="gateway requests in flight per worker")
    parser.add_argument("--batch", type=int, default=1000, help="recipients per gateway request")
    parser.add_argument("--timeout", type=int, default=600)
    parser.add_argument("--database-url", default="", help="e.g. postgresql://postgres@127.0.0.1:5432/test "
                        "(its tables are dropped and made again); default: SQLite under a temporary folder")
    args = parser.parse_args()

    settings = dict(
        LOCAL_GATEWAY_LATENCY_MS=str(args.latency_ms), LOCAL_GATEWAY_DLR_DELAY_MS="-1",
        # The gateway holds each request for the latency: threads, so that all requests can wait at once.
        WEB_CONCURRENCY="2", GUNICORN_WORKER_CLASS="gthread", GUNICORN_CMD_ARGS="--threads 16",
        BROADCAST_SEGMENTS_PER_SECOND="10000000", BROADCAST_SENDERS=str(args.workers),
        BROADCAST_SENDER_THREADS=str(args.sender_threads), BROADCAST_BATCH_SIZE=str(args.batch),
        BROADCAST_TICK_SECONDS="1", BROADCAST_SEND_WINDOW="00:00-24:00",
    )
    with ServiceStack("broadcast-bench-", args.database_url, **settings) as stack:
        from sms_service.channels.africastalking.local_gateway import counts
        from sms_service.core.clock import as_utc
        from sms_service.core.database import Database
        from sms_service.core.models import utcnow
        from sms_service.domain.broadcasts import lifecycle, progress, staff
        from tests.seeding import seed_subscribers

        app = stack.app
        database, redis = app.services.database, app.services.redis
        started = time.monotonic()
        seeding = Database(app.config["DATABASE_URL"], statement_timeout=600)  # one big INSERT ... SELECT
        seed_subscribers(seeding, args.recipients)
        if args.database_url:  # statistics, as a database that grew over time would have
            with seeding.engine.begin() as connection:
                connection.exec_driver_sql("ANALYZE")
        seeding.dispose()
        print(f"seeded {args.recipients:,} subscribers in {time.monotonic() - started:.1f} s", flush=True)
        web = stack.start_web()
        with database.write_transaction() as session:
            broadcast = staff.create_broadcast(
                session, app.services.flow_book, name="benchmark", texts={"en": "Sign the ATT petition: dial *384*123#"},
                created_by="bench", topics=["torture"], urgent=True, now=utcnow(),
            )
            broadcast_id = broadcast.id

        started = time.monotonic()
        watched = [psutil.Process(worker.pid) for worker in stack.start_workers(args.workers)]
        peaks = [(0, 0)] * len(watched)
        while True:
            peaks = [tuple(map(max, peak, worker_memory(process))) for peak, process in zip(peaks, watched, strict=True)]
            figures = counts(redis)
            if figures["messages"] >= args.recipients:
                break
            if time.monotonic() - started > args.timeout:
                raise SystemExit(f"timed out after {args.timeout} s with {figures['messages']:,} accepted")
            time.sleep(0.1)
        elapsed = time.monotonic() - started
        finished_wall = utcnow()
        with database.transaction() as session:
            started_at = lifecycle.get_broadcast(session, broadcast_id).started_at
        sending = (finished_wall - as_utc(started_at)).total_seconds()
        cpu = {"workers": sum(_cpu(process.pid) for process in watched), "web (gateway)": _cpu(web.proc.pid),
               "redis": sum(_cpu(p.pid) for p in psutil.process_iter(["name"]) if p.info["name"] == "redis-server"
                            and str(stack.instance) in " ".join(_cmdline(p)))}
        settle_until = time.monotonic() + 15  # the last results get written; a repeat would arrive
        while True:
            with database.transaction() as session:
                by_status = progress.progress(session, broadcast_id).counts
            if not by_status.get("sending") or time.monotonic() > settle_until:
                break
            time.sleep(0.2)
        figures = counts(redis)
        with database.engine.connect() as connection:
            reasons = connection.exec_driver_sql(
                "SELECT status, failure_reason, count(*) FROM outbound_messages WHERE status NOT IN ('sent', 'delivered') "
                "GROUP BY status, failure_reason").all()

    peak_mb = [rss / 2**20 for rss, _ in peaks]
    print(f"broadcast: {args.recipients:,} recipients, {args.workers} workers x {args.sender_threads} requests in flight, "
          f"{args.batch} per request, gateway latency {args.latency_ms} ms, "
          f"{'PostgreSQL' if args.database_url else 'SQLite'} + embedded Redis")
    print(f"handed to the gateway in   {sending:.1f} s from the broadcast's start "
          f"({args.recipients / sending:,.0f} recipients/s); {elapsed:.1f} s from launching the workers")
    print(f"worker peak RSS            {', '.join(f'{mb:.0f} MB' for mb in peak_mb)}  (largest process of each worker)")
    print(f"worker peak PSS            {', '.join(f'{pss / 2**20:.0f} MB' for _, pss in peaks)}  (worker + its job, shared pages split)")
    print(f"gateway counts             {figures['messages']:,} messages, {figures['numbers']:,} numbers, "
          f"{figures['duplicates']:,} duplicates")
    print(f"message rows               {by_status}")
    for status, reason, count in reasons:
        print(f"  {status} ({reason}): {count:,}")
    print("CPU seconds                " + ", ".join(f"{name} {seconds:.0f}" for name, seconds in cpu.items()))
    ok_time, ok_rss = sending <= TARGET_SECONDS, max(peak_mb) <= TARGET_RSS_MB
    ok_once = figures["duplicates"] == 0 and figures["numbers"] == args.recipients
    for label, ok in ((f"<= {TARGET_SECONDS} s", ok_time), (f"<= {TARGET_RSS_MB} MB per worker", ok_rss),
                      ("zero duplicates, everyone reached", ok_once)):
        print(f"target {label}: {'PASS' if ok else 'FAIL'}")
    if not ok_once:
        sys.exit(1)


def _cpu(pid):
    """CPU seconds of a process and its live children."""
    try:
        processes = [psutil.Process(pid), *psutil.Process(pid).children(recursive=True)]
        return sum(sum(process.cpu_times()[:2]) for process in processes)
    except psutil.NoSuchProcess:
        return 0.0


def _cmdline(process):
    try:
        return process.cmdline()
    except psutil.Error:
        return []


if __name__ == "__main__":
    main()
