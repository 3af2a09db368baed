"""Write a broadcast's audience out as outbound messages (status "queued"), chunk by chunk.

Each chunk is one INSERT ... SELECT run inside the database, so a million recipients never pass
through Python. The chunk and the broadcast's `planned_through` mark commit together, and a
planner takes the broadcast's row lock before it reads the mark: a planner killed mid-way, or
two at once, neither lose nor repeat anyone. (The audience query itself gives one row per
number: subscribers are unique by number, and so is a CSV list.)
"""

from sqlalchemy import func, insert, literal, select, update

from sms_service.broadcasts.audience import Audience
from sms_service.models import Broadcast, OutboundMessage, utcnow
from sms_service.quizzes.attempts import start_pushed_attempts

PURPOSE = "broadcast"
_COLUMNS = ("phone", "text", "purpose", "broadcast_id", "status", "attempts", "created_at", "updated_at")


def plan_next_chunk(database, broadcast_id, chunk_size):
    """Write the next chunk; returns how many messages it added, or None once all are written."""
    with database.write_transaction() as session:
        # One planner at a time per broadcast: this write takes the row's lock before any read.
        session.execute(update(Broadcast).where(Broadcast.id == broadcast_id).values(planned_through=Broadcast.planned_through))
        broadcast = session.get(Broadcast, broadcast_id)
        if broadcast is None or broadcast.planned_at is not None or broadcast.status == "cancelled":
            return None
        audience = Audience(broadcast)
        after = audience.key > broadcast.planned_through
        window = audience.select(audience.key).where(after).order_by(audience.key).limit(chunk_size).subquery()
        last = session.scalar(select(func.max(window.c[0])))
        if last is None:
            broadcast.planned_at = utcnow()
            return None
        now = utcnow()
        rows = audience.select(
            audience.phone, audience.text(), literal(PURPOSE), literal(broadcast.id), literal("queued"),
            literal(0), literal(now), literal(now),
        ).where(after, audience.key <= last)
        statement = insert(OutboundMessage.__table__).from_select(_COLUMNS, rows)
        # Counted from RETURNING: psycopg reports no rowcount for INSERT ... SELECT.
        added = len(session.execute(statement.returning(literal(1))).all())
        if broadcast.quiz:  # each recipient starts the quiz whose first question they are sent
            recipients = audience.select(audience.phone, audience.language).where(after, audience.key <= last)
            start_pushed_attempts(session, broadcast.quiz, broadcast.id, recipients, now)
        broadcast.planned_through = last
        return added


def plan_all(database, broadcast_id, chunk_size):
    total = 0
    while (added := plan_next_chunk(database, broadcast_id, chunk_size)) is not None:
        total += added
    return total
