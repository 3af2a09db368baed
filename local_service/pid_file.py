"""`INSTANCE_PATH/run.pid`: which `tasks.py run` serves an instance folder, and on which port.

The file holds one JSON object (a RunRecord). The run holds an exclusive flock on it for as long
as it lives, and the kernel drops that lock when the process ends, however it ends (even by
SIGKILL). So the lock, not the pid written in the file, says whether the run is alive: a file
left by a killed run is stale and the next run takes it over, and a pid that another program
got since cannot pass for a live run.
"""

import fcntl
import json
import os
import time
from dataclasses import asdict, dataclass
from pathlib import Path

from local_service.process_tree import command_line

FILE_NAME = "run.pid"
# The holder writes the file in place (truncate, then write); a reader may catch it between.
READ_RETRY_SECONDS = 2


@dataclass
class RunRecord:
    pid: int  # tasks.py's
    host: str
    port: int
    nonce: str  # RUN_NONCE: /healthz of this run's web shows it
    started_redis: bool = False  # the embedded Redis was not answering before this run
    honcho: int | None = None  # honcho's pid, a session leader, once started

    def honcho_left_running(self):
        """True if this run's honcho still runs: after the run itself was killed (SIGKILL), it
        and the web and worker under it are left behind."""
        return bool(self.honcho) and "honcho" in command_line(self.honcho)


class AlreadyRunning(Exception):
    """Another live process holds the pid file; `record` is what it wrote (None if unreadable)."""

    def __init__(self, record):
        super().__init__(record)
        self.record = record


class PidFile:
    def __init__(self, instance_path):
        self.path = Path(instance_path) / FILE_NAME
        self._fd = None

    def lock(self):
        """Hold the file's lock from now on; AlreadyRunning if a live process holds it."""
        self.path.parent.mkdir(parents=True, exist_ok=True)
        while True:
            fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o644)
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                os.close(fd)
                raise AlreadyRunning(self.read(wait_for_writer=True)) from None
            # The holder before us may have removed the file between our open and our lock:
            # then we hold the lock of a file nobody else can see, and must open the new one.
            if _same_file(fd, self.path):
                self._fd = fd
                return
            os.close(fd)

    def write(self, record):
        """Put `record` in the file (which this process has locked)."""
        data = json.dumps(asdict(record)).encode()
        os.ftruncate(self._fd, 0)
        os.pwrite(self._fd, data, 0)

    def read(self, wait_for_writer=False):
        """The RunRecord in the file, or None (no file, or not one this code wrote). With
        `wait_for_writer`, an unreadable file is read again for a moment: a live holder may be
        between truncating and writing it."""
        deadline = time.monotonic() + (READ_RETRY_SECONDS if wait_for_writer else 0)
        while True:
            try:
                return RunRecord(**json.loads(self.path.read_text()))
            except FileNotFoundError:
                return None
            except (ValueError, TypeError):
                if time.monotonic() >= deadline:
                    return None
                time.sleep(0.05)

    def unlock(self):
        """Drop the lock and leave the file as it is (what a dead run wrote stays for `stop`)."""
        if self._fd is not None:
            os.close(self._fd)
            self._fd = None

    def release(self):
        """Remove the file, then drop the lock (a process that opened the file before it was
        removed may lock it after: lock() checks that the file it locked is still in place)."""
        if self._fd is None:
            return
        try:
            self.path.unlink()
        except FileNotFoundError:
            pass
        self.unlock()


def _same_file(fd, path):
    try:
        return os.path.samestat(os.fstat(fd), os.stat(path))
    except FileNotFoundError:
        return False
