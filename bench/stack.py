"""The service as the Procfile runs it, for a benchmark: a fresh instance (SQLite and embedded
Redis in a temporary folder, or the PostgreSQL database named, whose tables are dropped), the
schema, the web process and `python -m workers` processes, all stopped and removed afterwards.

    with ServiceStack("quiz-bench-", database_url, WEBHOOK_TOKEN="") as stack:
        stack.start_web()
        stack.start_workers(2)
        ... stack.app (an app on the same stores, for reading them), stack.port ...
"""

import os
import shutil
import subprocess
import tempfile
from pathlib import Path

import psutil
from ussd_load import ROOT, WebProcess, create_schema, free_port, procfile_web_line

PYTHON = str(ROOT / ".venv" / "bin" / "python")


class ServiceStack:
    def __init__(self, prefix, database_url="", **settings):
        """`settings` are environment variables for every process (BROADCAST_..., say)."""
        self.database_url = database_url
        self.workdir = Path(tempfile.mkdtemp(prefix=prefix))
        self.instance = self.workdir / "instance"
        self.port, self.gateway_port = free_port(), free_port()
        self.env = dict(
            os.environ, PORT=str(self.port), INSTANCE_PATH=str(self.instance), REDIS_URL="",
            DATABASE_URL=database_url, PATH=f"{ROOT / '.venv' / 'bin'}:{os.environ.get('PATH', '')}",
            # Workers send SMS to the local gateway, its own process, as `tasks.py run` sets up.
            LOCAL_GATEWAY_PORT=str(self.gateway_port), LOCAL_GATEWAY_BASE_URL=f"http://127.0.0.1:{self.gateway_port}",
            DEMO_MODE="1", **settings,
        )
        for key in ("AT_API_KEY", "AT_API_BASE_URL"):  # SMS goes to the web's local gateway
            self.env.pop(key, None)
        self.app, self.web, self.gateway, self.workers, self.worker_logs = None, None, None, [], []

    def __enter__(self):
        try:
            if self.database_url:
                _empty_database(self.database_url)
            with open(self.workdir / "schema.log", "w") as log:
                create_schema(self.env, log)
            os.environ.update({key: self.env[key] for key in ("INSTANCE_PATH", "REDIS_URL", "DATABASE_URL", "PORT",
                                                                    "LOCAL_GATEWAY_PORT", "LOCAL_GATEWAY_BASE_URL")})
            from sms_service import create_app

            self.app = create_app({"TESTING": True, "DEMO_MODE": True, "INSTANCE_PATH": str(self.instance), "PORT": str(self.port),
                                   "DATABASE_URL": self.database_url})
        except BaseException:
            self.__exit__(None, None, None)
            raise
        return self

    def start_web(self):
        """The web process, and the local gateway (Procfile.demo's `gateway`) its SMS go to."""
        log = open(self.workdir / "gateway.log", "w")
        self.worker_logs.append(log)
        self.gateway = subprocess.Popen([PYTHON, "-m", "sms_service.channels.africastalking.local_gateway"], cwd=ROOT,
                                        env=self.env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
        self.web = WebProcess(procfile_web_line(), self.env, self.workdir / "web.log")
        self.web.wait_healthy(self.port)
        return self.web

    def start_workers(self, count):
        for number in range(count):
            log = open(self.workdir / f"worker{number}.log", "w")
            self.worker_logs.append(log)
            self.workers.append(subprocess.Popen([PYTHON, "-m", "workers"], cwd=ROOT, env=self.env, stdout=log,
                                                 stderr=subprocess.STDOUT, start_new_session=True))
        return self.workers

    def __exit__(self, *_):
        for worker in [*self.workers, *([self.gateway] if self.gateway else [])]:
            for pid in [worker.pid, *(child.pid for child in children(worker.pid))]:
                try:
                    os.kill(pid, 9)
                except ProcessLookupError:
                    pass
        for log in self.worker_logs:
            log.close()
        if self.web is not None:
            self.web.stop()
        from sms_service.core.redis_connection import stop_embedded_redis

        stop_embedded_redis(str(self.instance))
        shutil.rmtree(self.workdir, ignore_errors=True)


def children(pid):
    try:
        return psutil.Process(pid).children(recursive=True)
    except psutil.NoSuchProcess:
        return []


def _empty_database(url):
    from sqlalchemy import text

    from sms_service.core.config import database_url
    from sms_service.core.database import Database

    database = Database(database_url(url, ""))
    with database.engine.begin() as connection:
        connection.execute(text("DROP SCHEMA public CASCADE; CREATE SCHEMA public"))
    database.dispose()
