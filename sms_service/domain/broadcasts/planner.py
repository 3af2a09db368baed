"""Write a broadcast's audience out as outbound messages (status "queued"), chunk by chunk.

Each chunk is one INSERT ... SELECT run inside the database, so a million recipients never pass
through Python. The chunk and the broadcast's `planned_through` mark commit together, and a
planner takes the broadcast's row lock before it reads the mark: a planner killed mid-way, or
two at once, neither lose nor repeat anyone. (The audience query itself gives one row per
number: subscribers are unique by number, and so is a CSV list.)
"""

from sqlalchemy import func, insert, literal, select, update

from sms_service.core.models import Broadcast, OutboundMessage
from sms_service.domain.broadcasts.audience import Audience
from sms_service.domain.broadcasts.states import BroadcastStatus
from sms_service.domain.messaging.statuses import MessageStatus
from sms_service.domain.quizzes.attempts import continue_pushed_attempts, start_pushed_attempts

PURPOSE = "broadcast"
_COLUMNS = ("phone", "text", "purpose", "broadcast_id", "status", "attempts", "created_at", "updated_at")


def plan_next_chunk(database, broadcast_id, chunk_size, now, fallback_language, test_prefix="", book=None):
    """Write the next chunk (its rows created at `now`); returns how many messages it added, or
    None once all are written. Numbers starting `test_prefix` (the simulator's) are left out. A
    quiz push needs `book` (the FlowBook) to tell a recipient who already has an attempt where it
    stands instead of sending question 1 again."""
    with database.write_transaction() as session:
        # One planner at a time per broadcast: this write takes the row's lock before any read.
        session.execute(update(Broadcast).where(Broadcast.id == broadcast_id).values(planned_through=Broadcast.planned_through))
        broadcast = session.get(Broadcast, broadcast_id)
        if broadcast is None or broadcast.planned_at is not None or broadcast.status == BroadcastStatus.CANCELLED:
            return None
        audience = Audience(broadcast, fallback_language, test_prefix)
        after = audience.key > broadcast.planned_through
        window = audience.select(audience.key).where(after).order_by(audience.key).limit(chunk_size).subquery()
        last = session.scalar(select(func.max(window.c[0])))
        if last is None:
            broadcast.planned_at = now
            return None
        rows = audience.select(
            audience.phone, audience.text(), literal(PURPOSE), literal(broadcast.id), literal(MessageStatus.QUEUED.value),
            literal(0), literal(now), literal(now),
        ).where(after, audience.key <= last)
        statement = insert(OutboundMessage.__table__).from_select(_COLUMNS, rows)
        # Counted from RETURNING: psycopg reports no rowcount for INSERT ... SELECT.
        added = len(session.execute(statement.returning(literal(1))).all())
        if broadcast.quiz:  # each recipient starts the quiz whose first question they are sent
            recipients = audience.select(audience.phone, audience.language).where(after, audience.key <= last)
            start_pushed_attempts(session, broadcast.quiz, broadcast.id, recipients, now)
            phones = audience.select(audience.phone).where(after, audience.key <= last)
            instead = continue_pushed_attempts(session, book, broadcast.quiz, broadcast.id, phones, now)
            for phone, text in instead.items():  # few: those who had the quiz already
                session.execute(update(OutboundMessage).where(OutboundMessage.broadcast_id == broadcast.id,
                                                              OutboundMessage.phone == phone).values(text=text))
        broadcast.planned_through = last
        return added


def plan_all(database, broadcast_id, chunk_size, now, fallback_language, book=None, test_prefix=""):
    total = 0
    while (added := plan_next_chunk(database, broadcast_id, chunk_size, now, fallback_language, test_prefix, book)) is not None:
        total += added
    return total
