"""Africa's Talking's SMS status vocabulary, and what each word means for us.

Send responses carry a numeric `statusCode` per recipient; delivery reports carry a `status` word.
"""

from enum import Enum


class SendOutcome(Enum):
    ACCEPTED = "accepted"  # AT took it; a delivery report will follow
    RETRYABLE = "retryable"  # try again later (balance, gateway trouble, risk hold)
    PERMANENT = "permanent"  # never retry for this recipient


SEND_STATUS_CODES = {
    100: ("Processed", SendOutcome.ACCEPTED),
    101: ("Sent", SendOutcome.ACCEPTED),
    102: ("Queued", SendOutcome.ACCEPTED),
    401: ("RiskHold", SendOutcome.RETRYABLE),
    402: ("InvalidSenderId", SendOutcome.PERMANENT),
    403: ("InvalidPhoneNumber", SendOutcome.PERMANENT),
    404: ("UnsupportedNumberType", SendOutcome.PERMANENT),
    405: ("InsufficientBalance", SendOutcome.RETRYABLE),
    406: ("UserInBlacklist", SendOutcome.PERMANENT),
    407: ("CouldNotRoute", SendOutcome.PERMANENT),
    409: ("DoNotDisturbRejection", SendOutcome.PERMANENT),
    500: ("InternalServerError", SendOutcome.RETRYABLE),
    501: ("GatewayError", SendOutcome.RETRYABLE),
    502: ("RejectedByGateway", SendOutcome.RETRYABLE),
}


def send_outcome(status_code):
    """What a recipient's statusCode means; an unknown code is treated as retryable, not lost."""
    return SEND_STATUS_CODES.get(status_code, ("Unknown", SendOutcome.RETRYABLE))[1]


# Delivery-report statuses -> our message state. Sent/Submitted/Buffered are on the way;
# Success is delivered; the rest are final failures.
DELIVERY_STATES = {
    "Sent": "sent",
    "Submitted": "sent",
    "Buffered": "sent",
    "Success": "delivered",
    "Rejected": "failed",
    "Failed": "failed",
    "AbsentSubscriber": "failed",
    "Expired": "failed",
}
FINAL_STATES = {"delivered", "failed"}
