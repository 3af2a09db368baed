"""Delivery-report flood benchmark: how many AT delivery reports per second POST /sms/delivery-reports
absorbs, against the Procfile's web process, on embedded defaults (SQLite, embedded Redis).

A million-recipient broadcast brings a million reports. This seeds outbound messages in the "sent"
state, then sends each one its "Success" report with wrk (32 connections), and prints reports/s,
p50/p99 and whether every acknowledged report reached its row. Target (issue 3): >= 3,000/s on 2 cores.

    .venv/bin/python bench/delivery_reports_load.py [--seconds 15] [--messages 200000]

Needs `wrk` (Debian: apt-get install wrk).
"""

import argparse
import re
import shutil
import subprocess
import sys
import tempfile
from datetime import datetime, timezone
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from ussd_load import ROOT, WebProcess, create_schema, free_port, procfile_web_line  # noqa: E402

TARGET_PER_SECOND = 3000
TOKEN = "bench-dlr"

LUA = """
local counter = 0
local thread_number = 0
local threads = {}
function setup(thread)
  thread:set("offset", #threads * %(per_thread)d)
  table.insert(threads, thread)
end
function init(args)
  counter = 0
end
function request()
  counter = counter + 1
  local body = "id=ATXid_bench_" .. (offset + counter) ..
    "&status=Success&phoneNumber=%%2B254711000001&networkCode=63902&failureReason=&retryCount=0"
  return wrk.format("POST", "/sms/delivery-reports?token=%(token)s",
    {["Content-Type"] = "application/x-www-form-urlencoded"}, body)
end
"""


def seed_messages(database_url, count):
    from sqlalchemy import create_engine, insert

    from sms_service.core.models import OutboundMessage

    engine = create_engine(database_url)
    now = datetime.now(timezone.utc)
    rows = [
        {"phone": "+254711000001", "text": "Habari", "purpose": "broadcast", "status": "sent",
         "gateway_message_id": f"ATXid_bench_{n}", "created_at": now, "updated_at": now, "sent_at": now}
        for n in range(1, count + 1)
    ]
    with engine.begin() as connection:
        for start in range(0, count, 20_000):
            connection.execute(insert(OutboundMessage), rows[start:start + 20_000])
    engine.dispose()


def delivered_count(database_url):
    from sqlalchemy import create_engine, func, select

    from sms_service.core.models import OutboundMessage

    engine = create_engine(database_url)
    with engine.connect() as connection:
        query = select(func.count()).select_from(OutboundMessage).where(OutboundMessage.status == "delivered")
        count = connection.execute(query).scalar_one()
    engine.dispose()
    return count


def parse_wrk(output):
    def number(pattern):
        match = re.search(pattern, output)
        return match.group(1) if match else "?"

    return {
        "requests": number(r"(\d+) requests in"),
        "per_second": number(r"Requests/sec:\s+([\d.]+)"),
        "p50": number(r"50%\s+([\d.]+\w+)"),
        "p99": number(r"99%\s+([\d.]+\w+)"),
        "non_2xx": number(r"Non-2xx or 3xx responses: (\d+)"),
        "errors": number(r"Socket errors: (.*)"),
    }


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seconds", type=int, default=15)
    parser.add_argument("--connections", type=int, default=32)
    parser.add_argument("--messages", type=int, default=200_000, help="messages seeded (more than will be reported)")
    args = parser.parse_args()
    wrk = shutil.which("wrk")
    if not wrk:
        raise SystemExit("needs wrk: apt-get install wrk")

    workdir = Path(tempfile.mkdtemp(prefix="dlr-bench-"))
    instance = workdir / "instance"
    database_url = f"sqlite:///{instance}/sms_service.sqlite3"
    port = free_port()
    env = dict(__import__("os").environ, PORT=str(port), INSTANCE_PATH=str(instance), REDIS_URL="",
               DATABASE_URL="", WEBHOOK_TOKEN=TOKEN, DEMO_MODE="1",
               PATH=f"{ROOT / '.venv' / 'bin'}:{__import__('os').environ.get('PATH', '')}")
    web = None
    try:
        with open(workdir / "schema.log", "w") as log:
            create_schema(env, log)
        seed_messages(database_url, args.messages)
        web = WebProcess(procfile_web_line(), env, workdir / "web.log")
        web.wait_healthy(port)
        script = workdir / "reports.lua"
        per_thread = args.messages // args.connections
        script.write_text(LUA % {"per_thread": per_thread, "token": TOKEN})
        done = subprocess.run(
            [wrk, "-t", str(args.connections), "-c", str(args.connections), "-d", f"{args.seconds}s",
             "--latency", "-s", str(script), f"http://127.0.0.1:{port}"],
            capture_output=True, text=True, timeout=args.seconds + 60,
        )
        figures = parse_wrk(done.stdout)
        delivered = delivered_count(database_url)
    finally:
        if web is not None:
            web.stop()
        from sms_service.core.redis_connection import stop_embedded_redis

        stop_embedded_redis(str(instance))
        shutil.rmtree(workdir, ignore_errors=True)

    rate = float(figures["per_second"]) if figures["per_second"] != "?" else 0.0
    print(f"delivery reports: {args.connections} connections, {args.seconds} s, Procfile web, SQLite + embedded Redis")
    print(f"reports/s        {rate:,.0f}")
    print(f"p50 / p99        {figures['p50']} / {figures['p99']}")
    non_2xx = "0" if figures["non_2xx"] == "?" else figures["non_2xx"]
    socket_errors = "none" if figures["errors"] == "?" else figures["errors"]
    print(f"requests         {figures['requests']}  (non-2xx: {non_2xx}, socket errors: {socket_errors})")
    print(f"rows delivered   {delivered:,}")
    verdict = "PASS" if rate >= TARGET_PER_SECOND else "FAIL"
    print(f"target >= {TARGET_PER_SECOND:,} reports/s: {verdict} ({rate:,.0f})")
    if non_2xx != "0":
        sys.exit(1)


if __name__ == "__main__":
    main()
