"""The outbox: every SMS we send is a row first, then a gateway request, then delivery reports.

`deliver` is idempotent: it only sends a message still queued (or waiting for a retry), so a job
that runs twice sends once.
"""

import json
import logging

from sqlalchemy import bindparam, update

from sms_service.campaigns.suppression import is_suppressed
from sms_service.models import OutboundMessage, utcnow
from sms_service.phone_numbers import mask_msisdn
from sms_service.sms.at_client import GatewayRefused, GatewayUncertain, GatewayUnreachable
from sms_service.sms.at_statuses import DELIVERY_STATES, FINAL_STATES, SendOutcome

log = logging.getLogger(__name__)

SENDABLE = ("queued", "retry")
RETRY_BACKOFF_SECONDS = (10, 30, 120, 600, 1800)  # then the message stays "retry" for staff to see
# A STOP confirmation goes to a number that has just opted out; nothing else may.
SENT_EVEN_WHEN_SUPPRESSED = {"stop_confirmation"}
# Delivery reports that overtook our record of the send wait here for `deliver`.
EARLY_REPORT_KEY = "sms:early-report:{gateway_id}"
EARLY_REPORT_TTL = 3600
# Set while any report may be waiting: a broadcast batch skips looking up a thousand keys without.
EARLY_REPORTS_KEPT_KEY = "sms:early-reports-kept"


def queue_message(session, phone, text, purpose, in_reply_to=None):
    message = OutboundMessage(
        phone=phone, text=text, purpose=purpose, in_reply_to=in_reply_to, status="queued",
        created_at=utcnow(), updated_at=utcnow(),
    )
    session.add(message)
    session.flush()
    return message


def deliver(database, sms_client, message_id, redis=None):
    """Send one queued message; returns its new status ("retry" asks the caller to try again).

    With `redis`, a delivery report that raced ahead of our record of the send is applied too.
    """
    with database.write_transaction() as session:
        message = session.get(OutboundMessage, message_id)
        if message is None or message.status not in SENDABLE:
            return message.status if message else "missing"
        if message.purpose not in SENT_EVEN_WHEN_SUPPRESSED and is_suppressed(session, message.phone):
            message.status, message.failure_reason = "failed", "Suppressed"
            return message.status
        # Claimed before the request: if this process dies mid-send, the message stays "sending"
        # (it may have gone out) and no rerun of the job sends it a second time.
        message.status, message.updated_at = "sending", utcnow()
        phone, text = message.phone, message.text
    # The request happens outside the transaction: a slow gateway must not hold a database lock.
    changes = _send(sms_client, phone, text)
    with database.transaction() as session:
        session.execute(
            update(OutboundMessage).where(OutboundMessage.id == message_id).values(updated_at=utcnow(), **changes)
        )
    # Only after that commit: a report that arrives from now on finds the message itself.
    early = redis and changes.get("gateway_message_id") and take_early_report(redis, changes["gateway_message_id"])
    if early:
        with database.engine.begin() as connection:
            apply_delivery_report(connection, changes["gateway_message_id"], *early)
    return changes["status"]


def _send(sms_client, phone, text):
    try:
        [result] = sms_client.send(text, [phone])
    except GatewayUnreachable as error:
        log.warning("gateway unreachable sending to %s: %s", mask_msisdn(phone), error)
        return {"status": "retry", "failure_reason": "GatewayUnreachable"}
    except GatewayUncertain as error:
        # The gateway may have taken it: resending could deliver it twice. Staff decide.
        log.warning("gateway may have taken a send to %s (%s); marked uncertain", mask_msisdn(phone), error.reason)
        return {"status": "uncertain", "failure_reason": error.reason}
    except GatewayRefused as error:
        log.warning("gateway refused a send to %s: %s", mask_msisdn(phone), error)
        return {"status": "retry", "failure_reason": "GatewayRefused"}
    changes = {"status_code": result.status_code, "cost": result.cost}
    if result.outcome is SendOutcome.ACCEPTED:
        return {**changes, "status": "sent", "gateway_message_id": result.message_id, "sent_at": utcnow()}
    if result.outcome is SendOutcome.PERMANENT:
        return {**changes, "status": "failed", "failure_reason": result.status}
    return {**changes, "status": "retry", "failure_reason": result.status}


# Built once: under a flood of reports, building the statement cost more than running it.
_messages = OutboundMessage.__table__
_APPLY_REPORT = (
    update(_messages)
    .where(_messages.c.gateway_message_id == bindparam("report_id"), _messages.c.status.not_in(FINAL_STATES))
    .values(status=bindparam("new_status"), failure_reason=bindparam("reason"), updated_at=bindparam("now"))
)


def apply_delivery_report(connection, gateway_message_id, status, failure_reason):
    """Record a delivery report; True if it matched a message. Final states are never undone."""
    result = connection.execute(
        _APPLY_REPORT,
        {
            "report_id": gateway_message_id,
            "new_status": DELIVERY_STATES[status],
            "reason": failure_reason or None,
            "now": utcnow(),
        },
    )
    return result.rowcount > 0


def record_delivery_report(database, redis, gateway_message_id, status, failure_reason):
    """Apply a report, or keep it for `deliver` if it overtook our record of the send.

    Kept, then tried once more: either `deliver` committed before that second try (which then
    matches) or it takes the kept report after committing. Applying twice changes nothing.
    """
    with database.engine.begin() as connection:
        if apply_delivery_report(connection, gateway_message_id, status, failure_reason):
            return True
    key = EARLY_REPORT_KEY.format(gateway_id=gateway_message_id)
    pipe = redis.pipeline(transaction=False)
    pipe.set(key, json.dumps([status, failure_reason]), ex=EARLY_REPORT_TTL)
    pipe.set(EARLY_REPORTS_KEPT_KEY, 1, ex=EARLY_REPORT_TTL)
    pipe.execute()
    with database.engine.begin() as connection:
        if apply_delivery_report(connection, gateway_message_id, status, failure_reason):
            redis.delete(key)
            return True
    return False


def take_early_report(redis, gateway_message_id):
    raw = redis.getdel(EARLY_REPORT_KEY.format(gateway_id=gateway_message_id))
    return json.loads(raw) if raw else None


def apply_early_reports(database, redis, gateway_message_ids):
    """`take_early_report` for a whole batch in two round trips; returns how many applied."""
    if not gateway_message_ids or not redis.exists(EARLY_REPORTS_KEPT_KEY):
        return 0
    keys = [EARLY_REPORT_KEY.format(gateway_id=gateway_id) for gateway_id in gateway_message_ids]
    found = [(key, gateway_id, raw) for key, gateway_id, raw in zip(keys, gateway_message_ids, redis.mget(keys)) if raw]
    if not found:
        return 0
    with database.engine.begin() as connection:
        for _, gateway_id, raw in found:
            apply_delivery_report(connection, gateway_id, *json.loads(raw))
    redis.delete(*(key for key, _, _ in found))
    return len(found)
