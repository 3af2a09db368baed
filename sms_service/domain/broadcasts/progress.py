"""How far a broadcast has got: its messages by status, how many people it reaches, and the
numbers whose message may or may not have gone out."""

from dataclasses import dataclass

from sqlalchemy import func, literal, select

from sms_service.core.models import Broadcast, OutboundMessage
from sms_service.domain.broadcasts.audience import Audience
from sms_service.domain.broadcasts.lifecycle import get_broadcast


@dataclass(frozen=True)
class Progress:
    broadcast: Broadcast
    counts: dict  # message status -> count

    @property
    def total(self):
        return sum(self.counts.values())

    def count(self, *statuses):
        return sum(self.counts.get(status, 0) for status in statuses)


def progress(session, broadcast_id):
    broadcast = get_broadcast(session, broadcast_id)
    rows = session.execute(
        select(OutboundMessage.status, func.count())
        .where(OutboundMessage.broadcast_id == broadcast_id).group_by(OutboundMessage.status)
    ).all()
    return Progress(broadcast, {status: count for status, count in rows})


def recipients(session, report):
    """How many people the broadcast of `report` reaches: its messages once its audience is
    written out, else its audience as it stands now."""
    if report.broadcast.planned_at is not None:
        return report.total
    return session.scalar(select(func.count()).select_from(Audience(report.broadcast, None).select(literal(1)).subquery()))


def uncertain_counts(session, broadcast_ids):
    """{broadcast id: how many of its messages are uncertain} for those that have any."""
    if not broadcast_ids:
        return {}
    return dict(session.execute(
        select(OutboundMessage.broadcast_id, func.count())
        .where(OutboundMessage.broadcast_id.in_(list(broadcast_ids)), OutboundMessage.status == "uncertain")
        .group_by(OutboundMessage.broadcast_id)
    ).all())


def uncertain_numbers(session, broadcast_id, limit=1000):
    return session.execute(
        select(OutboundMessage.phone, OutboundMessage.failure_reason, OutboundMessage.updated_at)
        .where(OutboundMessage.broadcast_id == broadcast_id, OutboundMessage.status == "uncertain")
        .order_by(OutboundMessage.id).limit(limit)
    ).all()
