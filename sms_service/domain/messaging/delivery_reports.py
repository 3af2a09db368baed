"""Delivery reports: a message's last word from the operator (sent on the way, delivered, or
failed with a reason), matched by the gateway's message id.

One rule decides between two reports of one message (`statuses.report_may_replace`: a final
state is never replaced by an intermediate one), on the message row and in the early-report
store alike, so the order in which reports arrive never changes the outcome.

A report can overtake our record of the send (the gateway answers the request and posts the
report before the sender has written the id down). Such a report is kept in Redis for an hour
and applied when the send is recorded, on the reply and the broadcast paths alike
(`apply_early_reports`, called after every batch is recorded). The store is capped: at most
EARLY_REPORTS_MAX reports wait (ids are capped at the edge, at the width of the id column);
when it is full a report is refused with EarlyReportsFull, which the webhook answers 503 so
that the gateway tries it again later, when its send has been recorded.

A status word nobody documented is kept in `raw_delivery_status` and changes no state.
"""

import json

from redis.exceptions import WatchError
from sqlalchemy import bindparam, select, update

from sms_service.core.models import OutboundMessage, utcnow
from sms_service.domain.messaging.statuses import FINAL, report_may_replace

# Delivery reports that overtook our record of the send wait here, one key each...
EARLY_REPORT_KEY = "sms:early-report:{gateway_id}"
EARLY_REPORT_TTL = 3600
# ...and are counted here (gateway id -> when it lapses); while it exists, reports may be waiting.
EARLY_REPORTS_INDEX_KEY = "sms:early-reports"
EARLY_REPORTS_MAX = 20_000  # an hour of reports that beat their send by milliseconds, with room to spare
_KEEP_TRIES = 5


class EarlyReportsFull(RuntimeError):
    """The early-report store holds EARLY_REPORTS_MAX reports: this one was not kept."""


# Built once: under a flood of reports, building the statement cost more than running it.
_messages = OutboundMessage.__table__
_APPLY_REPORT = (
    update(_messages)
    .where(_messages.c.gateway_message_id == bindparam("report_id"), _messages.c.status.not_in(FINAL))
    .values(status=bindparam("new_status"), failure_reason=bindparam("reason"),
            raw_delivery_status=bindparam("raw"), updated_at=bindparam("now"))
)
# A word we cannot read changes no state: only the raw word is kept.
_KEEP_RAW_STATUS = (
    update(_messages)
    .where(_messages.c.gateway_message_id == bindparam("report_id"))
    .values(raw_delivery_status=bindparam("raw"), updated_at=bindparam("now"))
)
_KNOWN_ID = select(_messages.c.id).where(_messages.c.gateway_message_id == bindparam("report_id"))


def apply_delivery_report(connection, gateway_message_id, status, failure_reason, raw_status=None):
    """Record a delivery report saying the message is now `status` (sent, delivered or failed,
    as the channel reads the gateway's word; None for a word it cannot read), with the word as
    the gateway wrote it; True if it matched a message whose state may still change (by the rule
    of `report_may_replace`: final states are never undone)."""
    values = {"report_id": gateway_message_id, "raw": (raw_status or None), "now": utcnow()}
    if status is None:
        return connection.execute(_KEEP_RAW_STATUS, values).rowcount > 0
    result = connection.execute(_APPLY_REPORT, {**values, "new_status": status, "reason": failure_reason or None})
    return result.rowcount > 0


def record_delivery_report(database, redis, gateway_message_id, status, failure_reason, raw_status=None, now=None):
    """Apply a report, or keep it for the sender if it overtook our record of the send; True if
    a message has that id. `now` (a UTC datetime, the app clock's) dates the kept report.

    Kept, then tried once more: either the sender committed before that second try (which then
    matches) or it takes the kept report after committing. Applying twice changes nothing.
    EarlyReportsFull when it would have to be kept and the store is full.
    """
    with database.engine.begin() as connection:
        if apply_delivery_report(connection, gateway_message_id, status, failure_reason, raw_status):
            return True
        if connection.execute(_KNOWN_ID, {"report_id": gateway_message_id}).first() is not None:
            # Known now, so recorded: a final message (the report changes nothing and waits for
            # nothing), or a send recorded between the two statements, which READ COMMITTED
            # lets the second see and the first not. Applied once more for that one: the report
            # was once dropped there, and a delivered message stayed "sent".
            apply_delivery_report(connection, gateway_message_id, status, failure_reason, raw_status)
            return True
    keep_early_report(redis, gateway_message_id, [status, failure_reason, raw_status], (now or utcnow()).timestamp())
    with database.engine.begin() as connection:
        if apply_delivery_report(connection, gateway_message_id, status, failure_reason, raw_status):
            _forget(redis, [gateway_message_id])
            return True
    return False


def keep_early_report(redis, gateway_message_id, report, now):
    """Keep `report` ([state, reason, raw word]) until the send of `gateway_message_id` is
    recorded, merged with one kept already as the message row would merge them (`_merged`);
    `now` in seconds since the epoch. True if the store changed; EarlyReportsFull when a new one
    finds the store full."""
    key = EARLY_REPORT_KEY.format(gateway_id=gateway_message_id)
    with redis.pipeline() as pipe:
        for _ in range(_KEEP_TRIES):
            try:
                pipe.watch(key)  # another report of the same message, kept meanwhile, sends us round again
                kept = pipe.get(key)
                entry = report if kept is None else _merged(json.loads(kept), report)
                if entry is None:
                    pipe.unwatch()
                    return False
                if kept is None:
                    pipe.zremrangebyscore(EARLY_REPORTS_INDEX_KEY, "-inf", now)
                    if pipe.zcard(EARLY_REPORTS_INDEX_KEY) >= EARLY_REPORTS_MAX:
                        pipe.unwatch()
                        raise EarlyReportsFull(f"{EARLY_REPORTS_MAX} delivery reports already wait for their sends")
                pipe.multi()
                pipe.set(key, json.dumps(entry), ex=EARLY_REPORT_TTL)
                pipe.zadd(EARLY_REPORTS_INDEX_KEY, {gateway_message_id: now + EARLY_REPORT_TTL})
                pipe.expire(EARLY_REPORTS_INDEX_KEY, EARLY_REPORT_TTL)
                pipe.execute()
                return True
            except WatchError:
                continue
    raise EarlyReportsFull(f"reports of {gateway_message_id!r} kept changing while one was being kept")


def _merged(kept, new):
    """What the store keeps of two reports, as the message row would: the state and reason of the
    one `report_may_replace` lets win; the raw word of the later one if it is a word we cannot
    read (it changes no state, but is kept); None when nothing changes."""
    kept = (list(kept) + [None])[:3]  # kept before raw words were: [state, reason]
    if report_may_replace(kept[0], new[0]):
        return new
    if new[0] is None:
        return [kept[0], kept[1], new[2]]
    return None


def apply_early_reports(database, redis, gateway_message_ids):
    """The kept reports of just-recorded sends, applied, in two round trips; returns how many."""
    if not gateway_message_ids or not redis.exists(EARLY_REPORTS_INDEX_KEY):
        return 0
    keys = [EARLY_REPORT_KEY.format(gateway_id=gateway_id) for gateway_id in gateway_message_ids]
    found = [(gateway_id, raw) for gateway_id, raw in zip(gateway_message_ids, redis.mget(keys), strict=True) if raw]
    if not found:
        return 0
    with database.engine.begin() as connection:
        for gateway_id, raw in found:
            apply_delivery_report(connection, gateway_id, *json.loads(raw))
    _forget(redis, [gateway_id for gateway_id, _ in found])
    return len(found)


def _forget(redis, gateway_message_ids):
    pipe = redis.pipeline(transaction=False)
    pipe.delete(*(EARLY_REPORT_KEY.format(gateway_id=gateway_id) for gateway_id in gateway_message_ids))
    pipe.zrem(EARLY_REPORTS_INDEX_KEY, *gateway_message_ids)
    pipe.execute()
