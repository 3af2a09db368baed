"""Fixed-window counters in Redis ("at most N per hour per number"), through the well-kept
`limits` library rather than our own INCR and EXPIRE: one window per (limit, identifiers),
counted atomically in Redis, so every worker and web process shares it.

Like everything in Redis, counters may be lost: a lost counter only starts its window afresh.
"""

import math
import time

from limits import RateLimitItemPerHour, RateLimitItemPerMinute
from limits.storage import RedisStorage
from limits.strategies import FixedWindowRateLimiter

KEY_PREFIX = "limits"


class FixedWindows:
    """Counters on the service's own Redis connection pool (REDIS_URL or the embedded server)."""

    def __init__(self, redis):
        # The URI only names the library's Redis flavour: the connection is the pool's.
        storage = RedisStorage("redis://", connection_pool=redis.connection_pool, key_prefix=KEY_PREFIX)
        self.limiter = FixedWindowRateLimiter(storage)

    def hit(self, limit, *identifiers, cost=1):
        """Count `cost` (one; negative gives back); True while the window has room for it."""
        return self.limiter.hit(limit, *identifiers, cost=cost)

    def has_room(self, limit, *identifiers):
        """True when one more would still be within `limit` (counting nothing)."""
        return self.limiter.test(limit, *identifiers)

    def seconds_to_room(self, limit, *identifiers):
        """Whole seconds (1 or more) until the window of `limit` ends and counts afresh.

        The window's end is Redis's expiry of its key; `limits` reports it as now + TTL, so the
        difference taken here is the TTL, whatever the clock."""
        reset_at = self.limiter.get_window_stats(limit, *identifiers).reset_time
        return max(1, math.ceil(reset_at - time.time()))

    def reset(self, limit, *identifiers):
        self.limiter.clear(limit, *identifiers)


def per_hour(amount):
    return RateLimitItemPerHour(amount)


def per_minutes(amount, minutes):
    return RateLimitItemPerMinute(amount, minutes)
