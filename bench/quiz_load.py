"""Quiz load benchmark: a school festival where 500 students take a quiz by SMS at once.

Every student texts QUIZ ATT within the first `--ramp` seconds, then answers each question a
few seconds (`--think`) after its prompt arrives, until the four questions are done: 2,500
texts, most of them answers, within about a minute. Each text goes to the Procfile's web
process (AT's inbound callback), is handled by real RQ workers (`python -m workers`), and its
reply goes out through the official SDK to the local gateway. Measured per text: from the
webhook POST to the reply's arrival at the gateway. Target (issue 5): p99 under 2 s.

    .venv/bin/python bench/quiz_load.py [--students 500] [--workers 2] [--ramp 10] [--think 2-8]

Embedded defaults: SQLite and embedded Redis in a temporary folder (PostgreSQL with
--database-url; its tables are dropped and made again). Run it on a quiet machine.
"""

import argparse
import http.client
import json
import random
import sys
import threading
import time
import urllib.parse
from datetime import datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from stack import ServiceStack  # noqa: E402
from ussd_load import percentile  # noqa: E402

TARGET_P99_SECONDS = 2.0
REPLY_TIMEOUT_SECONDS = 30
QUESTIONS = 4  # the ATT quiz


class Student:
    def __init__(self, number, port, arrivals, rng):
        self.number, self.port, self.arrivals, self.rng = number, port, arrivals, rng
        self.latencies, self.lost = [], 0

    def text(self, body, serial):
        form = urllib.parse.urlencode({"from": self.number, "to": "21212", "text": body, "id": f"bench-{self.number}-{serial}",
                                       "date": "2026-11-25 09:00:00", "networkCode": "63902"})
        waiting = self.arrivals.expect(self.number)
        sent = time.time()
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=10)
        connection.request("POST", "/sms/inbound", form, {"Content-Type": "application/x-www-form-urlencoded"})
        response = connection.getresponse()
        response.read()
        connection.close()
        if response.status != 200:
            raise RuntimeError(f"POST /sms/inbound answered {response.status}")
        if not waiting.wait(REPLY_TIMEOUT_SECONDS):
            self.lost += 1
            return False
        self.latencies.append(self.arrivals.arrived_at(self.number) - sent)
        return True

    def take_quiz(self, start_delay, think):
        time.sleep(start_delay)
        if not self.text("QUIZ ATT", 0):
            return
        for serial in range(1, QUESTIONS + 1):
            time.sleep(self.rng.uniform(*think))
            if not self.text(self.rng.choice(["a", "B", "(a)", "jibu b", "2"]), serial):  # every question has A and B
                return


class GatewayArrivals:
    """Watches the local gateway's record of what it accepted, and wakes the student it was for."""

    def __init__(self, redis):
        from sms_service.channels.africastalking.local_gateway import COUNTS_KEY, OUTBOX_KEY

        self.redis, self.counts_key, self.outbox_key = redis, COUNTS_KEY, OUTBOX_KEY
        self.lock = threading.Lock()
        self.waiting, self.arrival = {}, {}
        self.seen = int(redis.hget(COUNTS_KEY, "messages") or 0)
        self.stopped = False

    def expect(self, number):
        event = threading.Event()
        with self.lock:
            self.waiting[number] = event
        return event

    def arrived_at(self, number):
        with self.lock:
            return self.arrival[number]

    def watch(self):
        while not self.stopped:
            # The count and the newest entries read together (MULTI): a message accepted between
            # two separate reads would push an unread one out of the range.
            pipe = self.redis.pipeline(transaction=True)
            pipe.hget(self.counts_key, "messages")
            pipe.lrange(self.outbox_key, 0, 999)
            total, newest = pipe.execute()
            total = int(total or 0)
            if total > self.seen:
                for raw in reversed(newest[: total - self.seen]):
                    entry = json.loads(raw)
                    with self.lock:
                        self.arrival[entry["to"]] = datetime.fromisoformat(entry["at"]).timestamp()
                        event = self.waiting.pop(entry["to"], None)
                    if event:
                        event.set()
                self.seen = total
            time.sleep(0.01)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--students", type=int, default=500)
    parser.add_argument("--workers", type=int, default=2, help="RQ worker processes")
    parser.add_argument("--ramp", type=float, default=10.0, help="seconds over which the students start")
    parser.add_argument("--think", default="2-8", help="seconds a student takes to answer, as MIN-MAX")
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--database-url", default="", help="default: SQLite under a temporary folder")
    args = parser.parse_args()
    think = tuple(float(part) for part in args.think.split("-"))

    with ServiceStack("quiz-bench-", args.database_url, WEBHOOK_TOKEN="") as stack:
        app = stack.app
        stack.start_web()
        stack.start_workers(args.workers)
        time.sleep(2)  # the workers build their app before the first text arrives

        arrivals = GatewayArrivals(app.services.redis)
        threading.Thread(target=arrivals.watch, daemon=True).start()
        rng = random.Random(args.seed)
        students = [Student(f"+2547{40_000_000 + n:08d}", stack.port, arrivals, random.Random(rng.random()))
                    for n in range(args.students)]
        started = time.monotonic()
        threads = [threading.Thread(target=s.take_quiz, args=(rng.uniform(0, args.ramp), think)) for s in students]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        elapsed = time.monotonic() - started
        arrivals.stopped = True
        with app.services.database.engine.connect() as connection:
            finished = connection.exec_driver_sql(
                "SELECT count(*) FROM quiz_attempts WHERE status = 'finished'").scalar()
            answers = connection.exec_driver_sql("SELECT count(*) FROM quiz_answers").scalar()
            outcomes = connection.exec_driver_sql(
                "SELECT coalesce(outcome, 'not handled'), count(*) FROM inbound_messages GROUP BY 1").all()
            replies = connection.exec_driver_sql("SELECT status, count(*) FROM outbound_messages GROUP BY 1").all()
        if any(student.lost for student in students):  # show why, before the logs are removed
            for log in stack.worker_logs:
                log.flush()
                errors = [line for line in Path(log.name).read_text().splitlines() if "Error" in line or "error" in line]
                print(f"{log.name}: {len(errors)} error lines; last: {errors[-3:]}")

    latencies = sorted(latency for student in students for latency in student.latencies)
    lost = sum(student.lost for student in students)
    texts = len(latencies) + lost
    print(f"quiz: {args.students} students x {QUESTIONS + 1} texts (QUIZ ATT, then {QUESTIONS} answers), started over "
          f"{args.ramp:.0f} s, answering {args.think} s after each prompt; {args.workers} RQ workers; "
          f"{'PostgreSQL' if args.database_url else 'SQLite'} + embedded Redis")
    print(f"texts handled              {len(latencies):,} of {texts:,} in {elapsed:.1f} s "
          f"({texts / elapsed:.1f}/s); {lost} with no reply within {REPLY_TIMEOUT_SECONDS} s")
    print(f"webhook -> reply at gateway p50 {percentile(latencies, 50) * 1000:.0f} ms, "
          f"p95 {percentile(latencies, 95) * 1000:.0f} ms, p99 {percentile(latencies, 99) * 1000:.0f} ms, "
          f"max {latencies[-1] * 1000:.0f} ms")
    print(f"database                   {finished} attempts finished, {answers:,} answers marked")
    print(f"inbound read as            {dict(outcomes)}; replies {dict(replies)}")
    ok_latency = percentile(latencies, 99) <= TARGET_P99_SECONDS
    ok_complete = lost == 0 and finished == args.students and answers == args.students * QUESTIONS
    print(f"target p99 <= {TARGET_P99_SECONDS:.0f} s: {'PASS' if ok_latency else 'FAIL'}")
    print(f"every text answered, every quiz finished: {'PASS' if ok_complete else 'FAIL'}")
    if not ok_complete:
        sys.exit(1)


if __name__ == "__main__":
    main()
