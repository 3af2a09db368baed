#!/usr/bin/env python3
"""CPU per USSD hop, measured in-process: the benchmark's 5-hop walk fed straight to the WSGI app.

    .venv/bin/python bench/ussd_cpu.py                # the app: 2,000 walks after 200 of warm-up
    .venv/bin/python bench/ussd_cpu.py --baseline     # the if/elif baseline, the same way
    .venv/bin/python bench/ussd_cpu.py --profile out.prof   # also write a cProfile of the walks

No HTTP server and no load generator: each hop is one call of the app with an environ shaped
like gunicorn's, so the figure is the app's own CPU per hop (time.process_time of this process)
plus the embedded Redis server's (from /proc), and hardly moves when other work shares the
machine. Use it to choose between variants; bench/ussd_load.py gives the end-to-end figure.
"""

import argparse
import cProfile
import io
import os
import sys
import tempfile
import time
import urllib.parse
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.ussd_load import EXPECTED, NETWORK_CODE, SERVICE_CODE, WALK  # noqa: E402

TOKEN = "bench-token"


def build_app(instance_path, baseline):
    if baseline:
        from bench.baseline_ifelse_app import app

        return app, None
    from sms_service import create_app
    from sms_service.core.database import Database
    from sms_service.core.schema import upgrade_schema

    app = create_app({
        "INSTANCE_PATH": instance_path, "REDIS_URL": "", "DATABASE_URL": "",
        "WEBHOOK_TOKEN": TOKEN, "USSD_SERVICE_CODE": SERVICE_CODE, "DEMO_MODE": True,  # a local bench
    })
    database = Database(app.config["DATABASE_URL"])
    upgrade_schema(database)
    database.dispose()
    return app, Path(instance_path) / "redis.pid"


def hop_bodies(number):
    """The form bodies of one caller's 5-hop walk, with what each hop's screen must show."""
    session_id, phone = f"ATUid_cpu_{number}", f"+254{710000000 + number}"
    return [
        (urllib.parse.urlencode({
            "sessionId": session_id, "serviceCode": SERVICE_CODE, "phoneNumber": phone,
            "networkCode": NETWORK_CODE, "text": text,
        }).encode(), expected.encode())
        for text, expected in zip(WALK, EXPECTED, strict=True)
    ]


# What gunicorn's sync worker puts in every environ, besides the body and its length.
BASE_ENVIRON = {
    "REQUEST_METHOD": "POST", "SCRIPT_NAME": "", "PATH_INFO": "/ussd",
    "QUERY_STRING": f"token={TOKEN}", "RAW_URI": f"/ussd?token={TOKEN}",
    "SERVER_PROTOCOL": "HTTP/1.1", "SERVER_NAME": "127.0.0.1", "SERVER_PORT": "8000",
    "REMOTE_ADDR": "127.0.0.1", "REMOTE_PORT": "50000",
    "HTTP_HOST": "127.0.0.1:8000", "HTTP_CONNECTION": "close",
    "CONTENT_TYPE": "application/x-www-form-urlencoded",
    "wsgi.errors": sys.stderr, "wsgi.url_scheme": "http", "wsgi.version": (1, 0),
    "wsgi.multithread": False, "wsgi.multiprocess": True, "wsgi.run_once": False,
    "wsgi.input_terminated": True,
}


def walk(app, bodies):
    """One caller's walk (bodies from hop_bodies); raises if any hop shows the wrong screen."""
    for body, expected in bodies:
        environ = dict(BASE_ENVIRON, CONTENT_LENGTH=str(len(body)))
        environ["wsgi.input"] = io.BytesIO(body)
        status = []
        answer = b"".join(app(environ, lambda s, h, e=None, status=status: status.append(s)))
        if not status[0].startswith("200") or expected not in answer:
            raise SystemExit(f"{body!r}: {status[0]} {answer[:120]!r}")


def process_cpu_seconds(pid_file):
    """User + system CPU of the process whose pid the file holds (0 when there is none)."""
    if pid_file is None:
        return 0.0
    pid = int(pid_file.read_text())
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--walks", type=int, default=2000, help="measured walks (default 2000)")
    parser.add_argument("--warmup", type=int, default=200, help="walks before measuring (default 200)")
    parser.add_argument("--baseline", action="store_true", help="measure the if/elif baseline instead")
    parser.add_argument("--profile", metavar="PATH", help="write a cProfile of the measured walks")
    args = parser.parse_args(argv)

    with tempfile.TemporaryDirectory(prefix="ussd-cpu-") as instance_path:
        app, redis_pid = build_app(instance_path, args.baseline)
        try:
            # Bodies are made before the clock starts: only the app's work is measured.
            walks = [hop_bodies(number) for number in range(args.warmup + args.walks)]
            for bodies in walks[:args.warmup]:
                walk(app, bodies)
            profiler = cProfile.Profile(time.process_time) if args.profile else None
            redis_before, app_before = process_cpu_seconds(redis_pid), time.process_time()
            if profiler:
                profiler.enable()
            for bodies in walks[args.warmup:]:
                walk(app, bodies)
            if profiler:
                profiler.disable()
                profiler.dump_stats(args.profile)
            app_cpu = time.process_time() - app_before
            redis_cpu = process_cpu_seconds(redis_pid) - redis_before
        finally:
            if redis_pid:
                from sms_service.core.redis_connection import stop_embedded_redis

                stop_embedded_redis(instance_path)
    hops = args.walks * len(WALK)
    print(f"{'baseline' if args.baseline else 'app'}: {hops} hops; CPU per hop: "
          f"app {app_cpu / hops * 1e6:.0f} us, redis {redis_cpu / hops * 1e6:.0f} us"
          + (" (profiled: figures inflated)" if profiler else ""))


if __name__ == "__main__":
    main()
