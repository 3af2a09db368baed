"""Console logins, kept in Redis: the cookie holds only a random id.

A login ends after CONSOLE_SESSION_MINUTES without a request (every request moves the end on),
at logout, and when its account is switched off; none of these can be undone by replaying an
old cookie, as the record it names is gone.
"""

import secrets

SESSION_KEY = "console:session:{sid}"


class StaffSessions:
    def __init__(self, redis, minutes):
        self.redis = redis
        self.lifetime_ms = max(1, int(minutes * 60_000))

    def start(self, account_id):
        sid = secrets.token_urlsafe(24)
        self.redis.set(SESSION_KEY.format(sid=sid), account_id, px=self.lifetime_ms)
        return sid

    def account_id(self, sid):
        """The account logged in as `sid`, with its expiry moved on; None when it ended."""
        if not sid:
            return None
        key = SESSION_KEY.format(sid=sid)
        pipe = self.redis.pipeline(transaction=False)
        pipe.get(key)
        pipe.pexpire(key, self.lifetime_ms)
        value, _ = pipe.execute()
        return int(value) if value is not None else None

    def end(self, sid):
        if sid:
            self.redis.delete(SESSION_KEY.format(sid=sid))
