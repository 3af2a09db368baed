"""Dashboard benchmark: the console's figures on a big SQLite database.

Seeds 1,000,000 outbound messages (ten broadcasts of 90,000 over the last 30 days, and 100,000
replies to 100,000 inbound texts over 90 days), 100,000 subscribers with ~150,000 subscriptions,
20,000 petition signatures and 10,000 quiz attempts, through the real schema (migrations). Then
times, each the median of `--repeat` runs:

  - the workers' count of one day, and of the three days the clock recomputes (figures/rollup.py);
  - every query of the dashboard (web/console/statistics.py) and of the charts pages
    (figures/reading.py), and the whole charts and campaign pages through the app.

Target (issue 15): each dashboard query under 200 ms.

    .venv/bin/python bench/dashboard_load.py [--days 30] [--repeat 5]

`--days` is how many past days are counted before the pages are timed (the backfill
`flask figures rollup` would do). Everything lives in a temporary folder, removed afterwards.
"""

import argparse
import random
import shutil
import statistics as stats
import sys
import tempfile
import time
from datetime import timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from sqlalchemy import insert  # noqa: E402

from sms_service import create_app  # noqa: E402
from sms_service.core.clock import ManualClock, parse_local_time  # noqa: E402
from sms_service.core.models import (  # noqa: E402
    Broadcast,
    InboundMessage,
    OutboundMessage,
    PetitionSignature,
    QuizAttempt,
    Subscriber,
    Subscription,
)
from sms_service.core.redis_connection import stop_embedded_redis  # noqa: E402
from sms_service.core.schema import upgrade_schema  # noqa: E402
from sms_service.domain.figures.reading import days_of, last_computed, read_figures  # noqa: E402
from sms_service.domain.figures.rollup import METRICS, days_to_recompute, nairobi_day, roll_up  # noqa: E402
from sms_service.engine.campaign_attribution import attribution_from_book  # noqa: E402
from sms_service.web.console import statistics  # noqa: E402

TARGET_MS = 200
NOW = "2026-12-01 12:00"
SUBSCRIBERS = 100_000
BROADCASTS, PER_BROADCAST = 10, 90_000
INBOUND = 100_000  # and as many replies: 1,000,000 outbound in all
SIGNATURES, QUIZ_ATTEMPTS = 20_000, 10_000
HISTORY_DAYS = 90
CHUNK = 20_000
TOPICS = ("torture", "sexual_violence", "arms_control")
# (text, outcome) of inbound texts, as the router reads them
TEXTS = [("JOIN TORTURE", "join"), ("ATT Wanjiku Kamau", "att"), ("HELP", "help"), ("Stop rape!", "support"),
         ("QUIZ MATESO", "quiz"), ("B", "quiz_answer"), ("JIUNGE", "join")]
FAILURES = ("DeliveryFailure", "AbsentSubscriber", "UserInBlackList", "InsufficientCredit")


def number(n):
    return f"+2547{n:08d}"


def chunks(rows):
    batch = []
    for row in rows:
        batch.append(row)
        if len(batch) == CHUNK:
            yield batch
            batch = []
    if batch:
        yield batch


def fill(connection, model, rows):
    for batch in chunks(rows):
        connection.execute(insert(model.__table__), batch)


def seed(database, now, rng):
    start = now - timedelta(days=HISTORY_DAYS)

    def moment():
        return start + timedelta(seconds=rng.randrange(HISTORY_DAYS * 86400))

    with database.engine.begin() as connection:
        fill(connection, Subscriber, ({"phone": number(n), "language": rng.choice(("en", "sw")),
                                       "county": rng.choice(("Nairobi", "Mombasa", "Kisumu", None)),
                                       "created_at": (joined := moment()), "updated_at": joined,
                                       "suppressed_at": joined + timedelta(days=1) if n % 50 == 0 else None}
                                      for n in range(SUBSCRIBERS)))
        fill(connection, Subscription, ({"subscriber_id": n + 1, "topic": topic, "consent_at": (at := moment()),
                                         "channel": rng.choice(("sms", "ussd", "import:1")),
                                         "withdrawn_at": at + timedelta(days=2) if n % 20 == 0 else None}
                                        for n in range(SUBSCRIBERS)
                                        for topic in rng.sample(TOPICS, 1 + n % 2)))
        fill(connection, PetitionSignature, ({"petition": "att", "subscriber_id": n + 1, "full_name": "Bench Signer",
                                              "channel": rng.choice(("ussd", "sms")), "consent_at": (at := moment()),
                                              "signed_at": at} for n in range(SIGNATURES)))
        fill(connection, QuizAttempt, ({"quiz": rng.choice(("att", "torture", "consent")), "phone": number(n),
                                        "language": "en", "channel": rng.choice(("sms", "ussd")), "status": "finished",
                                        "next_question": 4, "score": rng.randrange(5), "started_at": (at := moment()),
                                        "last_prompt_at": at, "finished_at": at + timedelta(minutes=5)}
                                       for n in range(QUIZ_ATTEMPTS)))
        # Rows are written at their time, so ids rise with it (core/time_ordered.py relies on it).
        inbound = sorted((moment(), *rng.choice(TEXTS)) for _ in range(INBOUND))
        fill(connection, InboundMessage, ({"at_id": f"bench-{n}", "phone": number(n % SUBSCRIBERS), "shortcode": "21212",
                                           "text": text, "received_at": at, "handled_at": at, "outcome": outcome}
                                          for n, (at, text, outcome) in enumerate(inbound)))
        broadcasts = []
        for b in reversed(range(BROADCASTS)):  # oldest first
            sent = now - timedelta(days=3 * b, hours=2)
            broadcasts.append((sent, connection.execute(insert(Broadcast.__table__).values(
                name=f"bench {b}", status="completed", topics=[TOPICS[b % 3]], texts={"en": "Bench"}, send_at=sent,
                created_by="bench", created_at=sent, urgent=False, uses_list=False, planned_through=0,
            )).inserted_primary_key[0]))
        # Replies and broadcast messages in the order they were written, as ids rise with time.
        events = sorted([(at + timedelta(seconds=1), n + 1, None) for n, (at, _, _) in enumerate(inbound)]
                        + [(sent, None, broadcast_id) for sent, broadcast_id in broadcasts], key=lambda event: event[0])

        def outbound():
            for at, reply_to, broadcast_id in events:
                if broadcast_id is None:
                    yield _message(rng, number((reply_to - 1) % SUBSCRIBERS), at, in_reply_to=reply_to, purpose="reply")
                else:
                    for n in range(PER_BROADCAST):
                        yield _message(rng, number(n % SUBSCRIBERS), at, broadcast_id=broadcast_id, purpose="broadcast")

        fill(connection, OutboundMessage, outbound())


def _message(rng, phone, at, purpose, broadcast_id=None, in_reply_to=None):
    roll = rng.random()
    status = "delivered" if roll < 0.85 else "failed" if roll < 0.95 else "sent"
    return {"phone": phone, "text": "Haki Yetu bench", "purpose": purpose, "in_reply_to": in_reply_to,
            "broadcast_id": broadcast_id, "status": status, "cost": "KES 0.8000",
            "failure_reason": rng.choice(FAILURES) if status == "failed" else None, "attempts": 1,
            "created_at": at, "updated_at": at, "sent_at": at}


def timed(function, repeat):
    """(median ms, median CPU ms of this process, result) of `repeat` runs of `function`. On a busy
    machine the first waits for a core; the second does not (SQLite runs in this process)."""
    times, cpu, result = [], [], None
    for _ in range(repeat):
        started, started_cpu = time.perf_counter(), time.process_time()
        result = function()
        times.append((time.perf_counter() - started) * 1000)
        cpu.append((time.process_time() - started_cpu) * 1000)
    return stats.median(times), stats.median(cpu), result


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--days", type=int, default=30, help="past days counted before timing the pages")
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    workdir = Path(tempfile.mkdtemp(prefix="dashboard-bench-"))
    try:
        return run(workdir, args)
    finally:
        stop_embedded_redis(str(workdir / "instance"))
        shutil.rmtree(workdir, ignore_errors=True)


def run(workdir, args):
    clock = ManualClock(parse_local_time(NOW))
    app = create_app({"INSTANCE_PATH": str(workdir / "instance"), "REDIS_URL": "",
                      "DATABASE_URL": f"sqlite:///{workdir / 'bench.db'}", "DEMO_MODE": True}, clock=clock)
    services = app.services
    database, now, prefix = services.database, clock.now(), services.config["SIMULATOR_PREFIX"]
    upgrade_schema(database)
    started = time.perf_counter()
    seed(database, now, random.Random(15))
    print(f"seeded in {time.perf_counter() - started:.1f} s: {BROADCASTS * PER_BROADCAST + INBOUND:,} outbound, "
          f"{INBOUND:,} inbound, {SUBSCRIBERS:,} subscribers, {SIGNATURES:,} signatures, {QUIZ_ATTEMPTS:,} quiz attempts")
    attribution = attribution_from_book(services.flow_book)
    today = nairobi_day(now)
    started = time.perf_counter()
    roll_up(database, attribution, days_of(today - timedelta(days=args.days - 1), today), now, prefix)
    print(f"counted {args.days} past days in {time.perf_counter() - started:.1f} s")

    results = []

    print(f"\n{'what':58} {'median ms':>10} {'CPU ms':>8}  target")

    def measure(name, function, target=TARGET_MS):
        ms, cpu, _ = timed(function, args.repeat)
        results.append((name, ms, target))
        verdict = "(no target)" if target is None else f"< {target} ms {'PASS' if ms < target else 'FAIL'}"
        print(f"{name:58} {ms:10.1f} {cpu:8.1f}  {verdict}", flush=True)

    def in_session(query):
        def run_query():
            with database.transaction() as session:
                return query(session)
        return run_query

    measure("rollup: one day (workers' clock)", lambda: roll_up(database, attribution, [today], now, prefix), None)
    measure("rollup: the 3 days the clock recomputes",
            lambda: roll_up(database, attribution, days_to_recompute(now), now, prefix), None)
    book = services.flow_book
    topics = {code: names["en"] for code, names in book.topics.items()}
    measure("dashboard: totals (today, 7-day delivery rate)", in_session(lambda s: statistics.totals(s, now, prefix)))
    measure("dashboard: subscribers by topic", in_session(lambda s: statistics.subscribers_by_topic(s, topics, prefix)))
    measure("dashboard: subscribers by language",
            in_session(lambda s: statistics.subscribers_by_language(s, book.language_names, prefix)))
    measure("dashboard: subscribers by county", in_session(lambda s: statistics.subscribers_by_county(s, prefix)))
    measure("dashboard: petition counts", in_session(lambda s: statistics.petition_counts(s, {"att": "ATT"}, prefix)))
    measure("dashboard: signatures by channel and country",
            in_session(lambda s: statistics.petition_breakdown(s, None, "en", prefix)))
    for campaign, days in (("all", 30), ("torture", 30), ("all", 366)):
        first = today - timedelta(days=days - 1)
        measure(f"charts: figures of {campaign}, {days} days",
                in_session(lambda s, c=campaign, f=first: read_figures(s, c, METRICS, f, today)))
    measure("charts: when last counted", in_session(last_computed))
    from tests.console_helpers import logged_in, make_role_accounts

    make_role_accounts(app)
    viewer = logged_in(app, "viewer")
    for path in ("/console/dashboard", "/console/charts", "/console/campaigns/torture", "/console/charts/all/sms.csv"):
        def get(path=path):
            response = viewer.get(path)
            assert response.status_code == 200, (path, response.status_code)
        # The dashboard page runs every dashboard query above, each with its own target; it is shown
        # for the whole, with none of its own.
        measure(f"page: GET {path} (whole request)", get, None if path == "/console/dashboard" else TARGET_MS)

    failed = any(target is not None and ms >= target for _, ms, target in results)
    print("\nFAIL" if failed else "\nPASS: every dashboard query under 200 ms")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
