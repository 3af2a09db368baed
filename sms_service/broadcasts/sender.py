"""Deliver a broadcast: claim a batch of queued messages, send it in one gateway request per text,
record every recipient's result. Several senders (one per worker process, a few threads each)
work on one broadcast at once; claims keep them from sending anything twice. When nothing is
left to claim, a sender writes the next stretch of the audience out (planner.py) itself.

A batch is claimed ("sending", with the sender's token) in its own commit before the request.
If the process dies during the request, the batch stays "sending" until recovery.py marks it
"uncertain": it may have gone out, so it is never resent without a person deciding.
"""

import logging
import time
import uuid
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta

from sqlalchemy import bindparam, func, select, update
from sqlalchemy.exc import OperationalError

from sms_service.broadcasts.planner import plan_next_chunk
from sms_service.broadcasts.schedule import may_send
from sms_service.models import Broadcast, OutboundMessage, Subscriber, utcnow
from sms_service.sms.at_client import GatewayRefused, GatewayUncertain, GatewayUnreachable
from sms_service.sms.at_statuses import SendOutcome
from sms_service.sms.encoding import describe_text
from sms_service.sms.outbox import RETRY_BACKOFF_SECONDS, apply_early_reports

log = logging.getLogger(__name__)

PENDING = ("queued", "retry", "sending")
RECORD_ATTEMPTS = 10

_messages = OutboundMessage.__table__
# Every result is written by claim token: a batch recovery marked "uncertain" while its sender
# was in fact alive still gets its true result.
_RECORD = (
    update(_messages)
    .where(_messages.c.id == bindparam("row_id"), _messages.c.claim == bindparam("token"))
    .values(
        status=bindparam("new_status"), gateway_message_id=bindparam("gateway_id"),
        status_code=bindparam("code"), cost=bindparam("price"), failure_reason=bindparam("reason"),
        retry_at=bindparam("retry"), sent_at=bindparam("sent"), updated_at=bindparam("now"),
    )
)


class BroadcastSender:
    def __init__(self, database, sms_client, redis, settings, rate_limit, leases):
        self.database = database
        self.sms_client = sms_client
        self.redis = redis
        self.settings = settings
        self.rate_limit = rate_limit
        self.leases = leases

    def run(self, broadcast_id):
        """Send until the broadcast is drained, paused, cancelled, outside its window, or this
        sender's time slice is used up; returns which of those stopped it."""
        token = uuid.uuid4().hex[:16]
        deadline = time.monotonic() + self.settings.slice_seconds
        limit = self.request_size(broadcast_id)
        stop_beating = self.leases.keep_alive(broadcast_id, token)
        try:
            with ThreadPoolExecutor(self.settings.sender_threads, thread_name_prefix="sender") as pool:
                reasons = list(pool.map(lambda _: self._loop(broadcast_id, token, deadline, limit),
                                        range(self.settings.sender_threads)))
        finally:
            stop_beating.set()
            self.leases.end(broadcast_id, token)
        return next((reason for reason in reasons if reason != "drained"), "drained")

    def request_size(self, broadcast_id):
        """Most recipients per request. A slow rate means small requests: one second's worth of
        the longest text's segments. The texts never change, so this is worked out once a run."""
        with self.database.engine.connect() as connection:
            texts = connection.execute(select(Broadcast.texts).where(Broadcast.id == broadcast_id)).scalar_one()
        segments = max(describe_text(text).segments for text in texts.values())
        return self.rate_limit.recipients_per_request(segments, self.settings.batch_size)

    def _loop(self, broadcast_id, token, deadline, limit):
        while True:
            reason = self._reason_to_stop(broadcast_id)
            if reason:
                return reason
            try:
                with self.database.writer_turn():
                    rows, planned = self._claim(broadcast_id, token, limit)
            except OperationalError:  # the database was busy too long: nothing was claimed
                log.warning("database busy claiming a batch; trying again")
                time.sleep(0.5)
                continue
            if rows:
                stopped = self._send(broadcast_id, token, rows)
                if stopped:
                    return stopped
                if time.monotonic() > deadline:
                    return "slice used"
            elif planned is None:
                continue  # the whole batch had texted STOP: there may be more behind it
            elif planned:
                return "drained"
            else:  # write the next stretch of the audience out, then claim from it
                with self.database.writer_turn():
                    plan_next_chunk(self.database, broadcast_id, self.settings.plan_chunk)

    def _reason_to_stop(self, broadcast_id):
        with self.database.engine.connect() as connection:
            status, urgent = connection.execute(
                select(Broadcast.status, Broadcast.urgent).where(Broadcast.id == broadcast_id)
            ).one()
        if status != "running":
            return status  # paused, cancelled, completed
        if not may_send(self.settings.send_window, urgent, utcnow()):
            return "outside send window"
        return None

    def _claim(self, broadcast_id, token, limit):
        """Take up to `limit` due messages; returns (rows to send, whether the audience is all
        written out, or None when rows were claimed but all had texted STOP)."""
        now = utcnow()
        with self.database.write_transaction() as session:
            rows = []
            for due in (OutboundMessage.status == "queued",
                        (OutboundMessage.status == "retry") & (OutboundMessage.retry_at <= now)):
                if rows:
                    break
                candidates = (
                    select(OutboundMessage.id)
                    .where(OutboundMessage.broadcast_id == broadcast_id, due)
                    .order_by(OutboundMessage.id).limit(limit)
                    .with_for_update(skip_locked=True)  # PostgreSQL: senders take disjoint rows
                )
                rows = session.execute(
                    update(OutboundMessage)
                    .where(OutboundMessage.id.in_(candidates.scalar_subquery()))
                    .values(status="sending", claim=token, attempts=OutboundMessage.attempts + 1, updated_at=now)
                    .returning(OutboundMessage.id, OutboundMessage.phone, OutboundMessage.text, OutboundMessage.attempts)
                    .execution_options(synchronize_session=False)  # no ORM objects to keep in step
                ).all()
            if rows:
                sendable = self._drop_suppressed(session, token, rows, now)
                return sendable, (True if sendable else None)
            planned = session.scalar(select(Broadcast.planned_at).where(Broadcast.id == broadcast_id)) is not None
        return rows, planned

    def _drop_suppressed(self, session, token, rows, now):
        """STOP is checked at send time too: a number may have opted out since it was planned."""
        if not rows:
            return rows
        suppressed = set(session.scalars(
            select(Subscriber.phone).where(Subscriber.phone.in_([row.phone for row in rows]),
                                           Subscriber.suppressed_at.is_not(None))
        ))
        if not suppressed:
            return rows
        session.connection().execute(_RECORD, [
            _result(row.id, token, now, "failed", reason="Suppressed") for row in rows if row.phone in suppressed
        ])
        return [row for row in rows if row.phone not in suppressed]

    def _send(self, broadcast_id, token, rows):
        """Send a claimed batch, one request per text; returns why it stopped early, or None.

        Waiting for the rate can take a while: a broadcast paused, cancelled or out of its window
        meanwhile sends nothing more, and what it did not send goes back (see `_give_back`).
        """
        by_text = {}
        for row in rows:
            by_text.setdefault(row.text, []).append(row)
        groups = list(by_text.items())
        for index, (text, group) in enumerate(groups):
            not_sent = [row for _, later in groups[index:] for row in later]
            try:
                self.rate_limit.wait_for(describe_text(text).segments * len(group))
                stop = self._reason_to_stop(broadcast_id)
            except Exception:
                self._give_back(broadcast_id, token, not_sent)
                raise
            if stop:
                self._give_back(broadcast_id, token, not_sent)
                return stop
            try:
                changes = self._request(text, group, token)
            except Exception:  # this request may have gone out; the later ones did not
                self._give_back(broadcast_id, token, not_sent[len(group):])
                raise
            self._record(changes)
            accepted = [change["gateway_id"] for change in changes if change["gateway_id"]]
            apply_early_reports(self.database, self.redis, accepted)
        return None

    def _give_back(self, broadcast_id, token, rows):
        """Claimed messages that certainly did not go out: queued again, or cancelled with their
        broadcast. Without this they would end "uncertain" and ask staff to decide for nothing."""
        if not rows:
            return
        with self.database.writer_turn(), self.database.engine.begin() as connection:
            status = connection.execute(select(Broadcast.status).where(Broadcast.id == broadcast_id)).scalar()
            connection.execute(
                update(OutboundMessage)
                .where(OutboundMessage.id.in_([row.id for row in rows]), OutboundMessage.claim == token,
                       OutboundMessage.status == "sending")
                .values(status="cancelled" if status == "cancelled" else "queued", claim=None,
                        attempts=OutboundMessage.attempts - 1, updated_at=utcnow())
            )

    def _record(self, changes):
        """Write a batch's results. They exist only in memory until this commits, so a busy
        database (SQLite's single writer under many senders) is waited out, not given up on."""
        for attempt in range(1, RECORD_ATTEMPTS + 1):
            try:
                with self.database.writer_turn(), self.database.engine.begin() as connection:
                    _write_changes(connection, changes)
                return
            except OperationalError:
                if attempt == RECORD_ATTEMPTS:
                    raise  # the batch stays "sending"; recovery marks it uncertain
                log.warning("database busy recording a batch of %d; trying again", len(changes))
                time.sleep(0.2 * attempt)

    def _request(self, text, rows, token):
        """One gateway request for `rows` (all with `text`); one row change per recipient."""
        now = utcnow()
        try:
            results = self.sms_client.send(text, [row.phone for row in rows])
        except GatewayUncertain as error:
            log.warning("gateway may have taken a batch of %d (%s); marked uncertain", len(rows), error.reason)
            return [_result(row.id, token, now, "uncertain", reason=error.reason) for row in rows]
        except (GatewayUnreachable, GatewayRefused) as error:
            log.warning("gateway failed a batch of %d: %s", len(rows), error)
            return [self._retry_or_fail(row, token, now, type(error).__name__) for row in rows]
        by_number = {result.number: result for result in results}
        changes = []
        for row in rows:
            result = by_number.get(row.phone)
            if result is None:  # AT said nothing of this number: it may or may not have sent it
                changes.append(_result(row.id, token, now, "uncertain", reason="NotInResponse"))
            elif result.outcome is SendOutcome.ACCEPTED:
                changes.append(_result(row.id, token, now, "sent", result=result, sent=now))
            elif result.outcome is SendOutcome.PERMANENT:
                changes.append(_result(row.id, token, now, "failed", result=result, reason=result.status))
            else:
                changes.append(self._retry_or_fail(row, token, now, result.status, result))
        return changes

    def _retry_or_fail(self, row, token, now, reason, result=None):
        if row.attempts >= self.settings.max_attempts:
            return _result(row.id, token, now, "failed", result=result, reason=reason)
        backoff = RETRY_BACKOFF_SECONDS[min(row.attempts, len(RETRY_BACKOFF_SECONDS)) - 1]
        return _result(row.id, token, now, "retry", result=result, reason=reason,
                       retry=now + timedelta(seconds=backoff))


def _write_changes(connection, changes):
    """Nearly every change in a big broadcast is "sent": those go through the driver's own
    executemany with four values per row (SQLAlchemy's per-row parameter handling cost more
    than the database's work). The rest take the general statement."""
    sent = [change for change in changes if change["new_status"] == "sent"]
    others = [change for change in changes if change["new_status"] != "sent"]
    if sent:
        # One time for the whole batch (see _request), turned into the dialect's stored form once.
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


def _result(row_id, token, now, status, result=None, reason=None, retry=None, sent=None):
    return {
        "row_id": row_id, "token": token, "now": now, "new_status": status, "reason": reason,
        "retry": retry, "sent": sent,
        "gateway_id": result.message_id if result and status == "sent" else None,
        "code": result.status_code if result else None,
        "price": result.cost if result else None,
    }


def pending_counts(session, broadcast_id):
    """Messages not yet settled, by status, and the earliest time a retry falls due."""
    rows = session.execute(
        select(OutboundMessage.status, func.count(), func.min(OutboundMessage.retry_at))
        .where(OutboundMessage.broadcast_id == broadcast_id, OutboundMessage.status.in_(PENDING))
        .group_by(OutboundMessage.status)
    ).all()
    counts = {status: count for status, count, _ in rows}
    next_retry = next((earliest for status, _, earliest in rows if status == "retry"), None)
    return counts, next_retry
