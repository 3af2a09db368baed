"""The SMS gateway account's balance, in the service's own terms: what the dashboard shows and
what the spend guard (domain/broadcasts/spend.py) compares a broadcast's estimated cost with.
A channel (channels/africastalking/account.py) reads it from the gateway."""

from dataclasses import dataclass
from typing import Protocol


@dataclass(frozen=True)
class Balance:
    currency: str  # ISO 4217, as the gateway wrote it ("KES")
    amount: float


class BalanceUnavailable(Exception):
    """The balance could not be read (gateway unreachable, refused, or an answer we cannot read);
    the message says why, for staff."""


class BalanceSource(Protocol):
    def balance(self) -> Balance:
        """The account's balance now, or BalanceUnavailable."""


class NoBalance:
    """The balance without a gateway (no AT credentials outside demo mode): never known."""

    def balance(self):
        raise BalanceUnavailable("no SMS gateway configured")
