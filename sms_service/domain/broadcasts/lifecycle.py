"""A broadcast's life: due broadcasts start, recurring ones make an occurrence each time they
fall due, staff pause, resume and cancel (controls.py audits each), retries written after a
cancel are cancelled, and a broadcast whose audience is all sent completes. Every change is a
conditional update, safe to run twice or at once."""


from sqlalchemy import func, insert, literal, select, update

from sms_service.core.clock import as_utc
from sms_service.core.models import Broadcast, BroadcastListNumber, OutboundMessage
from sms_service.domain.broadcasts.schedule import next_occurrence
from sms_service.domain.broadcasts.states import BroadcastStatus, controls_for, is_held
from sms_service.domain.messaging.statuses import PENDING, MessageStatus

COPIED_FIELDS = ("name", "topics", "language", "county", "school", "uses_list", "consent_basis", "texts", "urgent",
                 "quiz", "created_by", "estimated_cost")


class BroadcastError(ValueError):
    """A request staff made that cannot be done, with the reason to show them."""


def get_broadcast(session, broadcast_id):
    broadcast = session.get(Broadcast, broadcast_id)
    if broadcast is None:
        raise BroadcastError(f"no broadcast {broadcast_id}")
    return broadcast


def start_due(session, now):
    """Scheduled broadcasts whose time has come become running; returns their ids. (`started_at`
    waits for the first send: quiet hours may hold a running broadcast.)"""
    due = session.scalars(
        update(Broadcast).where(Broadcast.status == BroadcastStatus.SCHEDULED, Broadcast.send_at <= now)
        .values(status=BroadcastStatus.RUNNING).returning(Broadcast.id)
    ).all()
    return list(due)


def spawn_due_occurrences(session, now):
    """Each recurring broadcast that fell due makes one occurrence (however many ticks see it)
    and moves on to its next time; returns the occurrences' ids."""
    spawned = []
    templates = session.scalars(
        select(Broadcast).where(Broadcast.status == BroadcastStatus.RECURRING, Broadcast.send_at <= now)
    ).all()
    for template in templates:
        due_at = as_utc(template.send_at)
        following = next_occurrence(template.recurrence, _first_time(session, template), max(due_at, now))
        moved = session.execute(
            update(Broadcast).where(Broadcast.id == template.id, Broadcast.send_at == template.send_at)
            .values(send_at=following)
        ).rowcount
        if not moved:
            continue  # another tick took this occurrence
        occurrence = Broadcast(
            **{field: getattr(template, field) for field in COPIED_FIELDS},
            status=BroadcastStatus.RUNNING, send_at=due_at, parent_id=template.id, created_at=now, planned_through=0,
        )
        session.add(occurrence)
        session.flush()
        if template.uses_list:
            session.execute(
                insert(BroadcastListNumber.__table__).from_select(
                    ["broadcast_id", "phone"],
                    select(literal(occurrence.id), BroadcastListNumber.phone)
                    .where(BroadcastListNumber.broadcast_id == template.id),
                )
            )
        spawned.append(occurrence.id)
    return spawned


def _occurrences(session, template, statuses):
    """A repeating broadcast's occurrences in `statuses`: stopping "ATT week" stops this week's too."""
    if not template.recurrence or template.parent_id is not None:
        return []
    return session.scalars(
        select(Broadcast).where(Broadcast.parent_id == template.id, Broadcast.status.in_(statuses))
    ).all()


def _first_time(session, template):
    """A repeating broadcast's first occurrence: monthly dates count from it."""
    first = session.scalar(select(func.min(Broadcast.send_at)).where(Broadcast.parent_id == template.id))
    return as_utc(first) if first else as_utc(template.send_at)


def pause(session, broadcast_id):
    broadcast = get_broadcast(session, broadcast_id)
    if "pause" not in controls_for(broadcast.status):
        raise BroadcastError(f"broadcast {broadcast_id} is {broadcast.status}: only a running, scheduled or recurring one can be paused")
    for occurrence in _occurrences(session, broadcast, (BroadcastStatus.RUNNING, BroadcastStatus.SCHEDULED)):
        occurrence.status = BroadcastStatus.PAUSED
    broadcast.status = BroadcastStatus.PAUSED
    return broadcast


def stop_for_account(session, broadcast_id, reason):
    """The gateway refuses the account (`reason`, a key of messaging/gateway.py ACCOUNT_PROBLEMS):
    a running broadcast is paused with that reason, so its messages keep their attempts for when
    a person has fixed it and resumes; True if it was running."""
    broadcast = get_broadcast(session, broadcast_id)
    if broadcast.status != BroadcastStatus.RUNNING:
        return False
    broadcast.status, broadcast.stop_reason = BroadcastStatus.PAUSED, reason
    return True


def resume(session, broadcast_id, now):
    """Back to work; returns the broadcast, running unless its time (or a recurrence) is ahead."""
    broadcast = get_broadcast(session, broadcast_id)
    if is_held(broadcast):
        raise BroadcastError(f"broadcast {broadcast_id} is held for its cost: an admin must confirm it")
    if "resume" not in controls_for(broadcast.status):
        raise BroadcastError(f"broadcast {broadcast_id} is {broadcast.status}, not paused")
    broadcast.stop_reason = None
    if broadcast.recurrence and broadcast.parent_id is None:
        broadcast.status = BroadcastStatus.RECURRING
        if as_utc(broadcast.send_at) <= now:  # times missed while paused are skipped, not sent late
            broadcast.send_at = next_occurrence(broadcast.recurrence, _first_time(session, broadcast), now)
        for occurrence in _occurrences(session, broadcast, (BroadcastStatus.PAUSED,)):
            occurrence.status = BroadcastStatus.RUNNING
    elif broadcast.started_at is None and as_utc(broadcast.send_at) > now:
        broadcast.status = BroadcastStatus.SCHEDULED
    else:
        broadcast.status = BroadcastStatus.RUNNING
    return broadcast


def cancel(session, broadcast_id, now):
    """Stop for good: messages not yet sent are marked cancelled. A batch already in the
    gateway's hands still lands and is recorded."""
    broadcast = get_broadcast(session, broadcast_id)
    if "cancel" not in controls_for(broadcast.status):
        raise BroadcastError(f"broadcast {broadcast_id} is already {broadcast.status}")
    stopping = [broadcast, *_occurrences(session, broadcast, (BroadcastStatus.RUNNING, BroadcastStatus.SCHEDULED, BroadcastStatus.PAUSED))]
    for each in stopping:
        each.status, each.finished_at = BroadcastStatus.CANCELLED, now
    session.execute(
        update(OutboundMessage)
        .where(OutboundMessage.broadcast_id.in_([each.id for each in stopping]),
               OutboundMessage.status.in_((MessageStatus.QUEUED, MessageStatus.RETRY)))
        .values(status=MessageStatus.CANCELLED, updated_at=now)
    )
    return broadcast


def cancel_late_retries(session, now):
    """Messages of cancelled broadcasts that a batch in flight set to "retry" after the cancel."""
    return session.execute(
        update(OutboundMessage)
        .where(OutboundMessage.status == MessageStatus.RETRY,
               OutboundMessage.broadcast_id.in_(select(Broadcast.id).where(Broadcast.status == BroadcastStatus.CANCELLED)))
        .values(status=MessageStatus.CANCELLED, updated_at=now)
    ).rowcount


def complete_if_done(session, broadcast_id, now):
    """Mark a running broadcast completed once its audience is written out and nothing is pending."""
    pending = session.scalar(
        select(func.count()).select_from(OutboundMessage)
        .where(OutboundMessage.broadcast_id == broadcast_id,
               OutboundMessage.status.in_(PENDING))
    )
    if pending:
        return False
    return bool(session.execute(
        update(Broadcast)
        .where(Broadcast.id == broadcast_id, Broadcast.status == BroadcastStatus.RUNNING, Broadcast.planned_at.is_not(None))
        .values(status=BroadcastStatus.COMPLETED, finished_at=now)
    ).rowcount)


def requeue_uncertain(session, broadcast_id, now):
    """Staff decided the uncertain messages did not go out: send them again. Returns how many."""
    broadcast = get_broadcast(session, broadcast_id)
    if broadcast.status == BroadcastStatus.CANCELLED:
        raise BroadcastError(f"broadcast {broadcast_id} is cancelled")
    count = session.execute(
        update(OutboundMessage)
        .where(OutboundMessage.broadcast_id == broadcast_id, OutboundMessage.status == MessageStatus.UNCERTAIN)
        .values(status=MessageStatus.QUEUED, claim=None, failure_reason=None, updated_at=now)
    ).rowcount
    if count and broadcast.status == BroadcastStatus.COMPLETED:
        broadcast.status, broadcast.finished_at = BroadcastStatus.RUNNING, None
    return count
