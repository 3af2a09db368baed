"""The embedded Redis of an instance folder (sms_service/redis_connection.py starts it as a
daemon on INSTANCE_PATH/redis.sock), spoken to with the standard library: tasks.py asks whether
it answers before a run, and shuts down the one its run started.
"""

import os
import socket
import time
from pathlib import Path

from local_service.process_tree import is_running

SOCKET_NAME = "redis.sock"  # as sms_service/redis_connection.py names them
PID_FILE_NAME = "redis.pid"
SHUTDOWN_SECONDS = 5


def socket_path(instance_path):
    return os.path.join(os.path.abspath(instance_path), SOCKET_NAME)


def answers(instance_path):
    """True if a Redis answers PING on the instance's socket."""
    return _command(instance_path, b"PING").startswith(b"+PONG")


def shut_down(instance_path, seconds=SHUTDOWN_SECONDS):
    """Save and stop the instance's Redis if one answers; True once its process is gone."""
    pid = _pid(instance_path)
    if not answers(instance_path):
        return True
    _command(instance_path, b"SHUTDOWN SAVE")  # the server hangs up as it goes
    deadline = time.monotonic() + seconds
    while answers(instance_path) or (pid and is_running(pid)):
        if time.monotonic() > deadline:
            return False
        time.sleep(0.05)
    return True


def _command(instance_path, command):
    """Send one inline command; the first reply bytes, or b'' when nothing answers."""
    try:
        with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as connection:
            connection.settimeout(1)
            connection.connect(socket_path(instance_path))
            connection.sendall(command + b"\r\n")
            return connection.recv(64)
    except OSError:
        return b""


def _pid(instance_path):
    try:
        return int((Path(instance_path) / PID_FILE_NAME).read_text().strip())
    except (OSError, ValueError):
        return None
