"""`python3 tasks.py run` started for real, as a subprocess: on a free port, a temporary instance
folder (so its own embedded Redis) and a temporary SQLite file. It installs nothing: the venv
these tests run in is already complete (tasks.py counts the dev install as covering its own).

Whatever a test does, nothing it started outlives it: the whole process tree is collected while
the run serves and killed at the end, and the instance's Redis is stopped.
"""

import os
import subprocess
import sys
import time

import psutil
import requests

from local_service import embedded_redis
from local_service.pid_file import PidFile
from sms_service.core.config import PROJECT_ROOT
from tests.ports import free_port

START_SECONDS = 90  # install check, migration of an empty SQLite file, seed, gunicorn and worker boot
# Settings a developer's shell may carry that would change what these runs do.
UNSET = ("HOST", "RUN_NONCE", "LOCAL_GATEWAY_BASE_URL", "LOCAL_GATEWAY_PORT", "LOCAL_GATEWAY_DLR_URL", "DEMO_MODE",
         "TEST_DATABASE_URL", "PYTHONPATH")
FAKETIME_SHIM = str(PROJECT_ROOT / "tests" / "faketime")


class TasksRun:
    """One `tasks.py run` (or `stop`) on one instance folder; `output()` is what it printed."""

    def __init__(self, folder, port):
        self.folder, self.port = folder, port
        self.instance = folder / "instance"
        self.log_path = folder / "run.log"
        self.env = {key: value for key, value in os.environ.items() if key not in UNSET}
        self.env.update(PORT=str(port), INSTANCE_PATH=str(self.instance), WEB_CONCURRENCY="1",
                        LOCAL_GATEWAY_PORT=str(free_port()),  # not PORT + 1, which another test may hold
                        DATABASE_URL=f"sqlite:///{folder / 'service.sqlite3'}",
                        REDIS_URL="")  # empty wins over a .env: the embedded Redis of the instance
        if FAKETIME_SHIM in os.environ.get("PYTHONPATH", "").split(os.pathsep):
            self.env["PYTHONPATH"] = FAKETIME_SHIM  # a faketime run (tasks.py test): the stack runs under it too
        self.process = None
        self.seen = []  # psutil.Process objects: every process of the run's tree seen so far

    def start(self):
        log = open(self.log_path, "w")
        # Its own session, as a terminal gives a command: a Ctrl-C reaches the group it leads.
        self.process = subprocess.Popen([sys.executable, "tasks.py", "run"], cwd=PROJECT_ROOT, env=self.env,
                                        stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
        log.close()
        return self

    def command(self, *args, timeout=30):
        """`tasks.py ARGS` in this run's environment, to its end: (exit status, output, seconds)."""
        started = time.monotonic()
        done = subprocess.run([sys.executable, "tasks.py", *args], cwd=PROJECT_ROOT, env=self.env,
                              capture_output=True, text=True, timeout=timeout)
        return done.returncode, done.stdout + done.stderr, time.monotonic() - started

    def wait_until_serving(self):
        """Wait until the web answering on the port is this run's (its nonce, from the pid file);
        collect the process tree then. The nonce."""
        deadline = time.monotonic() + START_SECONDS
        while time.monotonic() < deadline:
            assert self.process.poll() is None, f"tasks.py run ended ({self.process.returncode}):\n{self.output()}"
            record = PidFile(self.instance).read(wait_for_writer=True)
            if record is not None and record.pid == self.process.pid and self._health_shows(record.nonce):
                self.collect_tree()
                return record.nonce
            time.sleep(0.25)
        raise AssertionError(f"no /healthz with this run's nonce within {START_SECONDS} s:\n{self.output()}")

    def _health_shows(self, nonce):
        try:
            return requests.get(f"http://127.0.0.1:{self.port}/healthz", timeout=2).json().get("run") == nonce
        except (requests.RequestException, ValueError):
            return False

    def collect_tree(self):
        try:
            root = psutil.Process(self.process.pid)
            self.seen += [root, *root.children(recursive=True)]
        except psutil.NoSuchProcess:
            pass
        return self.seen

    def signal(self, signum, to_group=False):
        """Signal the run as kill does (its pid), or as a terminal's Ctrl-C does (the process
        group it leads)."""
        (os.killpg if to_group else os.kill)(self.process.pid, signum)

    def wait(self, seconds):
        """(exit status, seconds it took) once it ends; fails if it runs on past `seconds`."""
        started = time.monotonic()
        try:
            code = self.process.wait(timeout=seconds)
        except subprocess.TimeoutExpired:
            raise AssertionError(f"still running after {seconds} s:\n{self.output()}") from None
        return code, time.monotonic() - started

    def left_running(self):
        return [process.pid for process in set(self.seen) if runs(process)]

    def output(self):
        return self.log_path.read_text() if self.log_path.exists() else ""

    def kill_everything(self):
        if self.process is not None:
            self.collect_tree()
            for process in set(self.seen):
                try:
                    process.kill()
                except psutil.NoSuchProcess:
                    pass
            self.process.wait(timeout=10)
        # Not redis-py's shutdown: it retries the command after the server hangs up, for seconds.
        embedded_redis.shut_down(self.instance)


def runs(process):
    """True if `process` runs (a zombie has ended; it only waits to be reaped)."""
    try:
        return process.is_running() and process.status() != psutil.STATUS_ZOMBIE
    except psutil.NoSuchProcess:
        return False


def listening_on(port):
    """Pids of sockets listening on `port` (any address)."""
    return [connection.pid for connection in psutil.net_connections(kind="tcp")
            if connection.status == psutil.CONN_LISTEN and connection.laddr.port == port]


def redis_server(instance):
    """The embedded Redis of `instance`, by the pid it wrote (it removes the file as it ends)."""
    return psutil.Process(int((instance / "redis.pid").read_text()))

