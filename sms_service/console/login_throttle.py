"""Failed logins per username, so a password cannot be guessed at the speed of the network."""

FAILURES_KEY = "console:login-failures:{username}"
MAX_FAILURES = 10
WINDOW_SECONDS = 15 * 60


class LoginThrottle:
    def __init__(self, redis):
        self.redis = redis

    def _key(self, username):
        return FAILURES_KEY.format(username=(username or "").strip().lower()[:64])

    def blocked(self, username):
        return int(self.redis.get(self._key(username)) or 0) >= MAX_FAILURES

    def failed(self, username):
        # The window starts at the first failure (SET NX; INCR keeps the expiry): Redis 6 has no EXPIRE NX.
        pipe = self.redis.pipeline()
        pipe.set(self._key(username), 0, ex=WINDOW_SECONDS, nx=True)
        pipe.incr(self._key(username))
        pipe.execute()

    def succeeded(self, username):
        self.redis.delete(self._key(username))
