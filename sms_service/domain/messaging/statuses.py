"""Where a message stands, stored in `outbound_messages.status` (a plain string column).

    queued -> sending -> sent -> delivered | failed
    retry      (a retryable failure: tried again at retry_at, until MESSAGE_MAX_ATTEMPTS)
    uncertain  (may have gone out: a read timeout, or a sender killed mid-request; staff decide)
    cancelled  (a broadcast stopped before it went)
"""

from enum import StrEnum


class MessageStatus(StrEnum):
    QUEUED = "queued"
    SENDING = "sending"
    SENT = "sent"
    DELIVERED = "delivered"
    FAILED = "failed"
    RETRY = "retry"
    UNCERTAIN = "uncertain"
    CANCELLED = "cancelled"


SENDABLE = (MessageStatus.QUEUED, MessageStatus.RETRY)  # what a sender may claim
PENDING = (MessageStatus.QUEUED, MessageStatus.RETRY, MessageStatus.SENDING)  # not settled yet
FINAL = (MessageStatus.DELIVERED, MessageStatus.FAILED)  # a delivery report never changes these


def report_may_replace(kept, new):
    """The one rule for two delivery reports of one message, wherever the first is kept (the
    message row, or the early-report store while the send is not yet recorded): a final state
    (delivered, failed) is never replaced, and a report we could not read (`new` None) never
    replaces one we could. Any other later report replaces the earlier."""
    if kept in FINAL:
        return False
    return new is not None or kept is None
