"""Deliver a broadcast: claim a batch of queued messages, send it in one gateway request per text,
record every recipient's result. Several senders (one per worker process, a few threads each)
work on one broadcast at once; claims keep them from sending anything twice. When nothing is
left to claim, a sender writes the next stretch of the audience out (planner.py) itself.

A batch is claimed ("sending", with the sender's token) in its own commit right before the
request, and only once the shared rate has a turn for it: the wait for the rate happens before
the claim, never between claim and request. If the process dies during the request, the batch
stays "sending" until recovery.py marks it "uncertain": it may have gone out, so it is never
resent without a person deciding. Nothing that merely waited its turn can end "uncertain".
"""

import logging
import threading
import time
import uuid
from concurrent.futures import ThreadPoolExecutor

from sqlalchemy import func, select, update
from sqlalchemy.exc import OperationalError

from sms_service.core.gsm7 import describe_text
from sms_service.core.models import Broadcast, OutboundMessage
from sms_service.domain import audit
from sms_service.domain.broadcasts.lifecycle import stop_for_account
from sms_service.domain.broadcasts.planner import plan_next_chunk
from sms_service.domain.broadcasts.schedule import may_send
from sms_service.domain.broadcasts.states import BroadcastStatus
from sms_service.domain.campaigns.suppression import suppressed_among
from sms_service.domain.messaging.delivery_reports import apply_early_reports
from sms_service.domain.messaging.gateway import ACCOUNT_PROBLEMS
from sms_service.domain.messaging.sending import record_results, result_of, send_batch
from sms_service.domain.messaging.statuses import PENDING, MessageStatus

log = logging.getLogger(__name__)

WORKER_STOPPING = "worker stopping"  # why a sender stops when its worker was told to stop
RECORD_ATTEMPTS = 10


class BroadcastSender:
    def __init__(self, database, sms_client, redis, settings, rate_limit, leases, clock, stopping=None, book=None):
        """`stopping` (a threading.Event) is set when the worker process is told to stop: senders
        then stop claiming and hand back what they claimed but did not send. `book` (the
        FlowBook) words a quiz push for those who already have an attempt (planner.py)."""
        self.book = book
        self.database = database
        self.sms_client = sms_client
        self.redis = redis
        self.settings = settings
        self.rate_limit = rate_limit
        self.leases = leases
        self.clock = clock
        self.stopping = stopping or threading.Event()

    def run(self, broadcast_id):
        """Send until the broadcast is drained, paused, cancelled, outside its window, or this
        sender's time slice is used up; returns which of those stopped it."""
        token = uuid.uuid4().hex[:16]
        deadline = time.monotonic() + self.settings.slice_seconds
        limit, segments = self.request_size(broadcast_id)
        stop_beating = self.leases.keep_alive(broadcast_id, token)
        try:
            with ThreadPoolExecutor(self.settings.sender_threads, thread_name_prefix="sender") as pool:
                reasons = list(pool.map(lambda _: self._loop(broadcast_id, token, deadline, limit, segments),
                                        range(self.settings.sender_threads)))
        finally:
            stop_beating.set()
            self.leases.end(broadcast_id, token)
        return next((reason for reason in reasons if reason != "drained"), "drained")

    def request_size(self, broadcast_id):
        """(most recipients per request, the longest text's segments). A slow rate means small
        requests: one second's worth of the longest text's segments. The texts never change, so
        this is worked out once a run."""
        with self.database.engine.connect() as connection:
            texts = connection.execute(select(Broadcast.texts).where(Broadcast.id == broadcast_id)).scalar_one()
        segments = max(describe_text(text).segments for text in texts.values())
        return self.rate_limit.recipients_per_request(segments, self.settings.batch_size), segments

    def _loop(self, broadcast_id, token, deadline, limit, segments):
        started = False  # whether this thread has marked the broadcast started (its first send)
        budget = 0  # segments this thread has booked on the shared rate and not spent yet
        while True:
            reason = self._reason_to_stop(broadcast_id)
            if reason:
                return reason
            if budget < limit * segments and self._has_due(broadcast_id):
                # The turn is taken before the claim, then stop reasons are checked again (a
                # pause during the wait claims nothing): only a batch in flight is ever "sending".
                self.rate_limit.wait_for(limit * segments - budget, interrupt=self.stopping)
                budget = limit * segments
                continue
            try:
                with self.database.writer_turn():  # never more than the budget booked covers
                    rows, planned = self._claim(broadcast_id, token, min(limit, budget // segments),
                                                mark_started=not started)
            except OperationalError:  # the database was busy too long: nothing was claimed
                log.warning("database busy claiming a batch; trying again")
                time.sleep(0.5)
                continue
            if rows:
                started = True
                budget -= sum(describe_text(row.text).segments for row in rows)
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
                    plan_next_chunk(self.database, broadcast_id, self.settings.plan_chunk, self.clock.now(),
                                    self.settings.default_language, self.settings.test_prefix, self.book)

    def _has_due(self, broadcast_id):
        """Whether a message is there to claim: the rate is booked for a batch only then."""
        now = self.clock.now()
        due = (OutboundMessage.status == MessageStatus.QUEUED) | (
            (OutboundMessage.status == MessageStatus.RETRY) & (OutboundMessage.retry_at <= now))
        with self.database.engine.connect() as connection:
            return connection.execute(
                select(OutboundMessage.id).where(OutboundMessage.broadcast_id == broadcast_id, due).limit(1)
            ).first() is not None

    def _reason_to_stop(self, broadcast_id):
        if self.stopping.is_set():
            return WORKER_STOPPING
        with self.database.engine.connect() as connection:
            status, urgent = connection.execute(
                select(Broadcast.status, Broadcast.urgent).where(Broadcast.id == broadcast_id)
            ).one()
        if status != BroadcastStatus.RUNNING:
            return status  # paused, cancelled, completed
        if not may_send(self.settings.send_window, urgent, self.clock.now()):
            return "outside send window"
        return None

    def _claim(self, broadcast_id, token, limit, mark_started=False):
        """Take up to `limit` due messages; returns (rows to send, whether the audience is all
        written out, or None when rows were claimed but all had texted STOP).

        With `mark_started`, a broadcast not started yet is marked started now: "started" is
        its first send, not the moment it fell due (quiet hours may hold it for a night).
        """
        now = self.clock.now()
        with self.database.write_transaction() as session:
            rows = []
            for due in (OutboundMessage.status == MessageStatus.QUEUED,
                        (OutboundMessage.status == MessageStatus.RETRY) & (OutboundMessage.retry_at <= now)):
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
                    .values(status=MessageStatus.SENDING, claim=token, attempts=OutboundMessage.attempts + 1, updated_at=now)
                    .returning(OutboundMessage.id, OutboundMessage.phone, OutboundMessage.text, OutboundMessage.attempts)
                    .execution_options(synchronize_session=False)  # no ORM objects to keep in step
                ).all()
            if rows:
                sendable = self._drop_suppressed(session, token, rows, now)
                if sendable and mark_started:
                    session.execute(update(Broadcast).where(Broadcast.id == broadcast_id, Broadcast.started_at.is_(None))
                                    .values(started_at=now))
                return sendable, (True if sendable else None)
            planned = session.scalar(select(Broadcast.planned_at).where(Broadcast.id == broadcast_id)) is not None
        return rows, planned

    def _drop_suppressed(self, session, token, rows, now):
        """STOP is checked at send time too: a number may have opted out since it was planned."""
        if not rows:
            return rows
        suppressed = suppressed_among(session, [row.phone for row in rows], self.settings.phone_keys)
        if not suppressed:
            return rows
        record_results(session.connection(), [
            result_of(row.id, token, now, MessageStatus.FAILED, reason="Suppressed")
            for row in rows if row.phone in suppressed
        ])
        return [row for row in rows if row.phone not in suppressed]

    def _send(self, broadcast_id, token, rows):
        """Send a claimed batch (its rate already booked), one request per text; returns why it
        stopped early, or None. A broadcast paused, cancelled or out of its window since the claim
        sends nothing more, and what it did not send goes back (see `_give_back`).
        """
        by_text = {}
        for row in rows:
            by_text.setdefault(row.text, []).append(row)
        groups = list(by_text.items())
        for index, (text, group) in enumerate(groups):
            not_sent = [row for _, later in groups[index:] for row in later]
            try:
                stop = self._reason_to_stop(broadcast_id)
            except Exception:
                self._give_back(broadcast_id, token, not_sent)
                raise
            if stop:
                self._give_back(broadcast_id, token, not_sent)
                return stop
            try:
                changes = send_batch(self.sms_client, text, group, self.clock.now(), self.settings.max_attempts, token)
            except Exception:  # this request may have gone out; the later ones did not
                self._give_back(broadcast_id, token, not_sent[len(group):])
                raise
            self._record(changes)
            accepted = [change["gateway_id"] for change in changes if change["gateway_id"]]
            apply_early_reports(self.database, self.redis, accepted)
            problem = next((change["reason"] for change in changes if change["reason"] in ACCOUNT_PROBLEMS), None)
            if problem:  # no retry cures it: stop, and say why, instead of spending every attempt
                self._stop_for_account(broadcast_id, problem)
                self._give_back(broadcast_id, token, not_sent[len(group):])
                return BroadcastStatus.PAUSED
        return None

    def _stop_for_account(self, broadcast_id, problem):
        with self.database.writer_turn(), self.database.write_transaction() as session:
            if stop_for_account(session, broadcast_id, problem):
                audit.record(session, "service", "broadcast.pause", f"broadcast {broadcast_id}",
                             reason=ACCOUNT_PROBLEMS[problem])
        log.error("broadcast %s paused: %s", broadcast_id, ACCOUNT_PROBLEMS[problem])

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
                       OutboundMessage.status == MessageStatus.SENDING)
                .values(status=MessageStatus.CANCELLED if status == BroadcastStatus.CANCELLED else MessageStatus.QUEUED, claim=None,
                        attempts=OutboundMessage.attempts - 1, updated_at=self.clock.now())
            )

    def _record(self, changes):
        """Write a batch's results. They exist only in memory until this commits, so a busy
        database (SQLite's single writer under many senders) is waited out, not given up on."""
        for attempt in range(1, RECORD_ATTEMPTS + 1):
            try:
                with self.database.writer_turn(), self.database.engine.begin() as connection:
                    record_results(connection, changes)
                return
            except OperationalError:
                if attempt == RECORD_ATTEMPTS:
                    raise  # the batch stays "sending"; recovery marks it uncertain
                log.warning("database busy recording a batch of %d; trying again", len(changes))
                time.sleep(0.2 * attempt)


def pending_counts(session, broadcast_id):
    """Messages not yet settled, by status, and the earliest time a retry falls due."""
    rows = session.execute(
        select(OutboundMessage.status, func.count(), func.min(OutboundMessage.retry_at))
        .where(OutboundMessage.broadcast_id == broadcast_id, OutboundMessage.status.in_(PENDING))
        .group_by(OutboundMessage.status)
    ).all()
    counts = {status: count for status, count, _ in rows}
    next_retry = next((earliest for status, _, earliest in rows if status == MessageStatus.RETRY), None)
    return counts, next_retry
