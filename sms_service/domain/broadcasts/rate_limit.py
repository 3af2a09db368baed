"""One send rate shared by every worker, counted in SMS segments per second.

Each batch books the next free stretch of time on a shared clock in Redis (the generic cell rate
algorithm): a batch of n segments takes n / rate seconds and starts when the one booked before
it ends. The caller sleeps until its start. Booking is one atomic script call, so workers on any
number of machines share the rate without talking to each other.
"""

import time

_BOOK = """
local now, cost, rate = tonumber(ARGV[1]), tonumber(ARGV[2]), tonumber(ARGV[3])
local free_at = tonumber(redis.call('get', KEYS[1]) or '0')
if free_at < now then free_at = now end
local ends = free_at + cost / rate
redis.call('set', KEYS[1], string.format('%.6f', ends), 'PX', math.ceil((ends - now) * 1000) + 1000)
return string.format('%.6f', free_at - now)
"""


class SegmentRateLimit:
    def __init__(self, redis, segments_per_second, key="broadcasts:rate"):
        if segments_per_second <= 0:
            raise ValueError("segments_per_second must be positive")
        self.rate = segments_per_second
        self.key = key
        self._book = redis.register_script(_BOOK)

    def book(self, segments, now=None):
        """Reserve `segments`; returns how many seconds to wait before sending them."""
        now = time.time() if now is None else now
        return float(self._book(keys=[self.key], args=[f"{now:.6f}", segments, self.rate]))

    def wait_for(self, segments, interrupt=None):
        """Book `segments` and sleep until their turn; returns the seconds waited. With
        `interrupt` (a threading.Event), the wait ends early when it is set (a worker stopping)."""
        delay = self.book(segments)
        if delay > 0:
            if interrupt is None:
                time.sleep(delay)
            else:
                interrupt.wait(delay)
        return delay

    def recipients_per_request(self, segments_per_message, most):
        """At most one second's worth of the rate in one request, so a slow rate is not a burst."""
        return max(1, min(most, int(self.rate // max(1, segments_per_message))))
