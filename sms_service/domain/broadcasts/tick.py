"""The broadcast tick, run every BROADCAST_TICK_SECONDS by the worker: start what fell due,
make recurring occurrences, and keep running broadcasts moving (recover a dead sender's batch,
start senders when none is alive, finish what is done).

Everything here is safe to run twice at once or to skip: the durable state is in SQL, and every
change is a conditional update.
"""

from dataclasses import dataclass, field

from sqlalchemy import select

from sms_service.core.clock import as_utc
from sms_service.core.models import Broadcast
from sms_service.domain.broadcasts.lifecycle import (
    cancel_late_retries,
    complete_if_done,
    spawn_due_occurrences,
    start_due,
)
from sms_service.domain.broadcasts.recovery import mark_abandoned
from sms_service.domain.broadcasts.schedule import may_send
from sms_service.domain.broadcasts.sender import pending_counts
from sms_service.domain.broadcasts.states import BroadcastStatus


@dataclass
class TickReport:
    started: list = field(default_factory=list)
    recovered: int = 0
    senders_started: list = field(default_factory=list)
    completed: list = field(default_factory=list)


def run_tick(database, leases, dispatch, settings, now):
    """One tick at `now` (the app clock's time); returns what it did."""
    report = TickReport()
    with database.write_transaction() as session:
        report.started = start_due(session, now) + spawn_due_occurrences(session, now)
        cancel_late_retries(session, now)
    for broadcast_id in report.started:
        dispatch.senders(broadcast_id, force=True)
    with database.engine.connect() as connection:
        running = connection.execute(
            select(Broadcast.id, Broadcast.urgent).where(Broadcast.status == BroadcastStatus.RUNNING)
        ).all()
    for broadcast_id, urgent in running:
        if broadcast_id in report.started:
            continue
        report.recovered += mark_abandoned(database, leases, broadcast_id, now)
        if leases.live_tokens(broadcast_id):
            continue
        with database.transaction() as session:
            counts, next_retry = pending_counts(session, broadcast_id)
            planned = session.scalar(select(Broadcast.planned_at).where(Broadcast.id == broadcast_id)) is not None
        retry_due = next_retry is not None and as_utc(next_retry) <= now
        if counts.get("queued") or retry_due or not planned:
            if may_send(settings.send_window, urgent, now) and dispatch.senders(broadcast_id):
                report.senders_started.append(broadcast_id)
        elif not counts.get("sending") and not counts.get("retry"):
            with database.write_transaction() as session:
                if complete_if_done(session, broadcast_id, now):
                    report.completed.append(broadcast_id)
    return report
