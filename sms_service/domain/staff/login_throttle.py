"""Login tries per username, per client address and per both, so that a password cannot be
guessed at the speed of the network, without letting an attacker lock the real admin out.

Every try is counted BEFORE its password is checked, with one atomic increment in Redis per
counter (the `limits` library): forty tries in parallel get exactly MAX_FAILURES checks, never
more. The tight limit is per username AND address: guesses from one place at one account stop
there, while the account's owner, elsewhere, still logs in. Looser limits per username (guesses
from many places) and per address (one place guessing many names; people share addresses behind
Kenyan mobile networks' NAT, so it is generous) slow spread-out attacks. A try that succeeds is
given back to the looser counters and clears its own. The windows are minutes long: a limit slows
an attacker down, never blocks anyone for long.
"""

from sms_service.core.counters import per_minutes

MAX_FAILURES = 10  # per username from one address
WINDOW_MINUTES = 15
MAX_FAILURES_PER_USERNAME = 100  # per username from anywhere
MAX_FAILURES_PER_ADDRESS = 50  # per address, whatever the name: one address may be a whole network's NAT
ADDRESS_WINDOW_MINUTES = 5
FAILED_LOGINS = per_minutes(MAX_FAILURES, WINDOW_MINUTES)
FAILED_LOGINS_PER_USERNAME = per_minutes(MAX_FAILURES_PER_USERNAME, WINDOW_MINUTES)
FAILED_LOGINS_PER_ADDRESS = per_minutes(MAX_FAILURES_PER_ADDRESS, ADDRESS_WINDOW_MINUTES)


class LoginThrottle:
    def __init__(self, counters):
        """`counters`: core.counters.FixedWindows."""
        self.counters = counters

    @staticmethod
    def _counters(username, address):
        name = (username or "").strip().lower()[:64]
        address = (address or "unknown")[:64]
        return ((FAILED_LOGINS, f"login-failures:{name}@{address}"),
                (FAILED_LOGINS_PER_USERNAME, f"login-failures:{name}"),
                (FAILED_LOGINS_PER_ADDRESS, f"login-failures-from:{address}"))

    def attempt(self, username, address):
        """Count one try for `username` from `address` (the client's IP, as ProxyFix resolved it);
        True when every counter still has room, so the password may be checked."""
        rooms = [self.counters.hit(limit, key) for limit, key in self._counters(username, address)]
        return all(rooms)

    def succeeded(self, username, address):
        """The try was right: its own counter starts afresh, the looser ones get the try back."""
        (own, own_key), *looser = self._counters(username, address)
        self.counters.reset(own, own_key)
        for limit, key in looser:
            self.counters.hit(limit, key, cost=-1)
