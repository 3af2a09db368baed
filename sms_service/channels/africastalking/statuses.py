"""Africa's Talking's SMS status vocabulary, and what each word means for us.

Send responses carry a numeric `statusCode` per recipient; delivery reports carry a `status` word.
"""

from sms_service.domain.messaging.gateway import SendOutcome

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
# Success is delivered; the rest are final failures
# (https://developers.africastalking.com/docs/sms/notifications).
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

_STATES_BY_KEY = {word.casefold(): state for word, state in DELIVERY_STATES.items()}


def status_key(word):
    """A status word as it is looked up: without any spaces or underscores, case folded, so that
    "success", "SUCCESS " and "Absent Subscriber" are the words AT documents."""
    return "".join(word.replace("_", " ").split()).casefold()


def delivery_state(word):
    """Our message state for a delivery report's status word (sent, delivered or failed), or None
    for a word AT has not documented."""
    return _STATES_BY_KEY.get(status_key(word))
