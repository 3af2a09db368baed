"""What the service needs from an SMS gateway, in its own terms: one text to many numbers, and a
result per number or one of three errors. A channel (channels/africastalking/client.py) speaks a
gateway's wire format and answers in these; the domain never sees a gateway's own types.
"""

from dataclasses import dataclass
from enum import Enum
from typing import Protocol


class SendOutcome(Enum):
    """What a gateway's answer for one recipient means for us."""

    ACCEPTED = "accepted"  # the gateway took it; a delivery report will follow
    RETRYABLE = "retryable"  # try again later (balance, gateway trouble, risk hold)
    PERMANENT = "permanent"  # never retry for this recipient


@dataclass(frozen=True)
class RecipientResult:
    """The gateway's answer for one number of a request."""

    number: str  # E.164
    status_code: int  # the gateway's own code (AT's statusCode: 101, 403, ...)
    status: str  # the gateway's own word for it ("Success", "InvalidPhoneNumber"): staff see it
    outcome: SendOutcome
    message_id: str | None  # the gateway's id, which its delivery reports name; None when not accepted
    cost: str | None  # as the gateway wrote it ("KES 0.8000")


@dataclass(frozen=True)
class PremiumReply:
    """How a reply goes out on a premium (on-demand) shortcode: from that shortcode, carrying the
    keyword and the `linkId` of the message it answers, billed to the person as the service
    says. Without them the gateway refuses it (AT: InvalidLinkId)."""

    shortcode: str  # the shortcode the person texted ("22384")
    keyword: str  # the keyword the message started with, as the person typed it
    link_id: str  # the gateway's id of that inbound message's session


class GatewayError(Exception):
    """A send that did not produce per-recipient results."""


class GatewayUnreachable(GatewayError):
    """Nothing reached the gateway (connection refused or connect timeout): safe to resend."""


class GatewayUncertain(GatewayError):
    """The request may have been taken (a read timeout, or a 2xx that cannot be read): resending
    could duplicate it. `reason` is what staff see."""

    def __init__(self, message, reason="ReadTimeout"):
        super().__init__(message)
        self.reason = reason


class GatewayRefused(GatewayError):
    """The gateway answered with an error status: it did not take the messages."""


class GatewayNotConfigured(GatewayError):
    """There is no gateway to send through (no AT credentials outside demo mode): every message
    fails at once with this reason, which staff see; nothing is retried."""

    REASON = "no SMS gateway configured"


class NoGateway:
    """The gateway outside demo mode without AT credentials: refuses every send, so that a
    message fails at once with a reason staff can act on, instead of going to a local address."""

    def send(self, message, recipients, premium=None):
        raise GatewayNotConfigured(GatewayNotConfigured.REASON)


class GatewayAccountRefused(GatewayRefused):
    """The gateway refuses this account itself (wrong credentials: HTTP 401/403): nothing will get
    through until a person fixes it. `reason` is a key of ACCOUNT_PROBLEMS."""

    def __init__(self, message, reason="AuthenticationFailed"):
        super().__init__(message)
        self.reason = reason


# Failure reasons that no retry can cure: a broadcast meeting one stops (paused, with what to do)
# instead of spending its attempts; staff resume it once the account is fixed.
ACCOUNT_PROBLEMS = {
    "AuthenticationFailed": "the SMS gateway refused our credentials (HTTP 401/403): check AT_USERNAME and "
                            "AT_API_KEY, then resume",
    "InsufficientBalance": "the SMS gateway account has no balance left: top it up, then resume",
}


class SmsGateway(Protocol):
    def send(self, message: str, recipients: list[str], premium: PremiumReply | None = None) -> list[RecipientResult]:
        """Send `message` to every E.164 number in `recipients` in one request; one result per
        number the gateway names, or GatewayUnreachable / GatewayUncertain / GatewayRefused.
        With `premium`, as a reply on a premium shortcode; without, through the bulk sender."""
