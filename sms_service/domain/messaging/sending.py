"""The one send path: one text to a batch of claimed messages in one gateway request, every
recipient's answer turned into its message's new status by one rule, and the results written by
claim token. A reply is a batch of one (outbox.py); a broadcast sends batches of up to
BROADCAST_BATCH_SIZE (broadcasts/sender.py).

The rule, whatever the kind of message:
    accepted                         -> sent (with the gateway's id and cost)
    a permanent refusal, or no
    gateway configured               -> failed, with the gateway's reason; never tried again
    a retryable refusal, or nothing
    reached the gateway              -> retry at now + backoff, until the message has had
                                        MESSAGE_MAX_ATTEMPTS tries; then failed with the last reason
    maybe taken (a read timeout, a
    2xx we cannot read), or a number
    the answer does not name         -> uncertain: resending could deliver it twice, staff decide
"""

import logging
from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy import bindparam, update

from sms_service.core.models import OutboundMessage
from sms_service.domain.messaging.gateway import (
    GatewayNotConfigured,
    GatewayRefused,
    GatewayUncertain,
    GatewayUnreachable,
    SendOutcome,
)
from sms_service.domain.messaging.statuses import MessageStatus

log = logging.getLogger(__name__)

# Seconds before try n + 1 (after try n): 10 s, 30 s, 2 min, 10 min, 30 min, then 30 min.
RETRY_BACKOFF_SECONDS = (10, 30, 120, 600, 1800)


@dataclass(frozen=True)
class Claimed:
    """A message claimed for one try: its row, number and how many tries it has had with this one."""

    id: int
    phone: str
    attempts: int


def backoff(attempts):
    """How long to wait after the try numbered `attempts` (1-based)."""
    return timedelta(seconds=RETRY_BACKOFF_SECONDS[min(attempts, len(RETRY_BACKOFF_SECONDS)) - 1])


def send_batch(gateway, text, rows, now, max_attempts, token, premium=None):
    """Send `text` to the claimed `rows` in one request (as a premium reply with a PremiumReply);
    one result (a dict for `record_results`) per row, in the rows' order. Never raises for what
    the gateway does."""
    try:
        results = gateway.send(text, [row.phone for row in rows], premium=premium)
    except GatewayUncertain as error:
        log.warning("gateway may have taken a request for %d recipient(s) (%s): marked uncertain",
                    len(rows), error.reason)
        return [result_of(row.id, token, now, MessageStatus.UNCERTAIN, reason=error.reason) for row in rows]
    except GatewayNotConfigured:
        log.warning("no SMS gateway configured: %d message(s) failed", len(rows))
        return [result_of(row.id, token, now, MessageStatus.FAILED, reason=GatewayNotConfigured.REASON) for row in rows]
    except (GatewayUnreachable, GatewayRefused) as error:
        log.warning("gateway failed a request for %d recipient(s): %s", len(rows), error)
        reason = getattr(error, "reason", type(error).__name__)  # an account refusal names its problem
        return [retry_or_fail(row, token, now, reason, max_attempts) for row in rows]
    by_number = {result.number: result for result in results}
    changes = []
    for row in rows:
        result = by_number.get(row.phone)
        if result is None:  # the answer says nothing of this number: it may or may not have gone
            changes.append(result_of(row.id, token, now, MessageStatus.UNCERTAIN, reason="NotInResponse"))
        elif result.outcome is SendOutcome.ACCEPTED:
            changes.append(result_of(row.id, token, now, MessageStatus.SENT, result=result, sent=now))
        elif result.outcome is SendOutcome.PERMANENT:
            changes.append(result_of(row.id, token, now, MessageStatus.FAILED, result=result, reason=result.status))
        else:
            changes.append(retry_or_fail(row, token, now, result.status, max_attempts, result))
    return changes


def retry_or_fail(row, token, now, reason, max_attempts, result=None):
    """A retryable failure: try again after the backoff, or fail for good after the last try."""
    if row.attempts >= max_attempts:
        return result_of(row.id, token, now, MessageStatus.FAILED, result=result, reason=reason)
    return result_of(row.id, token, now, MessageStatus.RETRY, result=result, reason=reason,
                     retry=now + backoff(row.attempts))


def result_of(row_id, token, now, status, result=None, reason=None, retry=None, sent=None):
    """One message's new state, as `record_results` writes it."""
    return {
        "row_id": row_id, "token": token, "now": now, "new_status": status, "reason": reason,
        "retry": retry, "sent": sent,
        "gateway_id": result.message_id if result and status == MessageStatus.SENT else None,
        "code": result.status_code if result else None,
        "price": result.cost if result else None,
    }


_messages = OutboundMessage.__table__
# Every result is written by claim token: a batch that recovery marked "uncertain" while its
# sender was in fact alive still gets its true result, and a stale sender cannot overwrite a
# message another has claimed since.
_RECORD = (
    update(_messages)
    .where(_messages.c.id == bindparam("row_id"), _messages.c.claim == bindparam("token"))
    .values(
        status=bindparam("new_status"), gateway_message_id=bindparam("gateway_id"),
        status_code=bindparam("code"), cost=bindparam("price"), failure_reason=bindparam("reason"),
        retry_at=bindparam("retry"), sent_at=bindparam("sent"), updated_at=bindparam("now"),
    )
)


def record_results(connection, changes):
    """Write `changes` (from send_batch) in the caller's transaction.

    Hand-tuned, on a measured hot path (bench/broadcast_load.py): nearly every change in a big
    broadcast is "sent", and those go through the driver's own executemany with four values per
    row, as SQLAlchemy's per-row parameter handling cost more than the database's work. The
    rest take the general statement.
    """
    sent = [change for change in changes if change["new_status"] == MessageStatus.SENT]
    others = [change for change in changes if change["new_status"] != MessageStatus.SENT]
    if sent:
        # One time for the whole batch, turned into the dialect's stored form once.
        column_type = _messages.c.updated_at.type.dialect_impl(connection.dialect)
        to_stored = column_type.bind_processor(connection.dialect)
        stamp = to_stored(sent[0]["now"]) if to_stored else sent[0]["now"]
        mark = "?" if connection.dialect.paramstyle == "qmark" else "%s"
        connection.exec_driver_sql(
            f"UPDATE outbound_messages SET status = 'sent', gateway_message_id = {mark}, status_code = {mark}, "
            f"cost = {mark}, failure_reason = NULL, retry_at = NULL, sent_at = {mark}, updated_at = {mark} "
            f"WHERE id = {mark} AND claim = {mark}",
            [(change["gateway_id"], change["code"], change["price"], stamp, stamp, change["row_id"], change["token"])
             for change in sent],
        )
    if others:
        connection.execute(_RECORD, others)
