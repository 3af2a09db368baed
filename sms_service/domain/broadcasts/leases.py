"""Which senders of a broadcast are alive, so that messages held by a dead one can be found.

A sender beats every few seconds into a sorted set per broadcast (member: its claim token,
score: when its lease runs out). A worker killed with SIGKILL stops beating; once its lease runs
out, the messages it held as "sending" are marked "uncertain" (recovery.py). Losing this data
(Redis restarted) only makes a live sender look dead for a while: its results still land,
because they are written by claim token, not by status.
"""

import threading
import time


class SenderLeases:
    def __init__(self, redis, lease_seconds):
        self.redis = redis
        self.lease_seconds = lease_seconds

    def _key(self, broadcast_id):
        return f"broadcasts:{broadcast_id}:senders"

    def beat(self, broadcast_id, token):
        key = self._key(broadcast_id)
        pipe = self.redis.pipeline(transaction=False)
        pipe.zadd(key, {token: time.time() + self.lease_seconds})
        pipe.expire(key, int(self.lease_seconds * 4) + 60)
        pipe.execute()

    def end(self, broadcast_id, token):
        self.redis.zrem(self._key(broadcast_id), token)

    def live_tokens(self, broadcast_id):
        key = self._key(broadcast_id)
        self.redis.zremrangebyscore(key, "-inf", time.time())
        return {token.decode() for token in self.redis.zrange(key, 0, -1)}

    def keep_alive(self, broadcast_id, token):
        """Beat now and then every third of the lease until the returned event is set."""
        stop = threading.Event()
        self.beat(broadcast_id, token)

        def beat_until_stopped():
            while not stop.wait(self.lease_seconds / 3):
                try:
                    self.beat(broadcast_id, token)
                except Exception:  # Redis blipped: the next beat tries again
                    pass

        threading.Thread(target=beat_until_stopped, daemon=True, name=f"lease-{token}").start()
        return stop
