"""Console logins, kept in Redis: the cookie holds only a random id.

A login ends after CONSOLE_SESSION_MINUTES without a request (every request moves the end on),
at logout, when its account is switched off, and when its password or two-factor secret changes
(the record holds the account's credential stamp then, accounts.credential_stamp); none of these
can be undone by replaying an old cookie.
"""

import secrets

SESSION_KEY = "console:session:{sid}"
USED_CODE_KEY = "console:totp-used:{account_id}:{code}"
USED_CODE_SECONDS = 120  # a TOTP code is valid 30 s either side of its own 30 s


class StaffSessions:
    def __init__(self, redis, minutes):
        self.redis = redis
        self.lifetime_ms = max(1, int(minutes * 60_000))

    def start(self, account_id, stamp):
        """A new login of `account_id` holding `stamp` (accounts.credential_stamp); its id."""
        sid = secrets.token_urlsafe(24)
        self.redis.set(SESSION_KEY.format(sid=sid), f"{account_id}:{stamp}", px=self.lifetime_ms)
        return sid

    def login(self, sid):
        """(account id, credential stamp) of the login `sid`, its expiry moved on; None when it ended."""
        if not sid:
            return None
        key = SESSION_KEY.format(sid=sid)
        pipe = self.redis.pipeline(transaction=False)
        pipe.get(key)
        pipe.pexpire(key, self.lifetime_ms)
        value, _ = pipe.execute()
        if value is None:
            return None
        account_id, _, stamp = value.decode().partition(":")
        return int(account_id), stamp

    def first_use_of_code(self, account_id, code):
        """True the first time a TOTP `code` logs `account_id` in: a code seen on the wire cannot be replayed."""
        return bool(self.redis.set(USED_CODE_KEY.format(account_id=account_id, code=code[:12]), 1, nx=True,
                                   ex=USED_CODE_SECONDS))

    def end(self, sid):
        if sid:
            self.redis.delete(SESSION_KEY.format(sid=sid))
