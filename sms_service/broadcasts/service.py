"""What staff do with broadcasts (create, preview, pause, resume, cancel, watch), and the state
changes the clock makes (a scheduled broadcast falls due, a recurring one makes an occurrence).

The CLI and, later, the web console both call these; none of them sends anything itself:
`dispatch.py` puts the work on the queue.
"""

from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy import func, insert, literal, select, update

from sms_service.broadcasts.audience import FALLBACK_LANGUAGE
from sms_service.broadcasts.schedule import EVERY, as_utc, check_recurrence, next_occurrence
from sms_service.kenya import find_county
from sms_service.models import Broadcast, BroadcastListNumber, OutboundMessage, utcnow
from sms_service.quizzes.texts import opening

FINISHED = ("completed", "cancelled")
MAX_TEXT_LENGTH = 1600  # what a message row holds (models.OutboundMessage.text)
COPIED_FIELDS = ("name", "topics", "language", "county", "school", "uses_list", "texts", "urgent", "quiz",
                 "created_by")


class BroadcastError(ValueError):
    """A request staff made that cannot be done, with the reason to show them."""


def create_broadcast(session, book, *, name, texts, created_by, send_at=None, topics=(), language=None,
                     county=None, school=None, numbers=None, urgent=False, recurrence=None, quiz=None):
    """A new broadcast (status scheduled, or recurring with `recurrence`); `send_at` None is now.

    The audience is `topics` and/or a `school` (with optional `language` and `county` filters) or
    `numbers` (an uploaded list, already E.164). Texts are per language; English is required as
    the fallback. With `quiz`, the texts are that quiz's opening and each recipient starts it.
    """
    school = " ".join((school or "").split()) or None
    if quiz is not None:
        texts = _quiz_opening(book, quiz, texts)
    texts = {language_code: text.strip() for language_code, text in texts.items() if text and text.strip()}
    too_long = sorted(code for code, text in texts.items() if len(text) > MAX_TEXT_LENGTH)
    if too_long:
        raise BroadcastError(f"the {', '.join(too_long)} text is over {MAX_TEXT_LENGTH} characters")
    if FALLBACK_LANGUAGE not in texts:
        raise BroadcastError("an English text is required: it goes to everyone without a text in their language")
    unknown = sorted(set(texts) - set(book.languages))
    if unknown:
        raise BroadcastError(f"no such language: {', '.join(unknown)} (known: {', '.join(book.languages)})")
    if numbers is not None and (topics or language or county or school):
        raise BroadcastError("choose topics or a school (with language/county filters) or a CSV list, not both")
    if numbers is None and not topics and not school:
        raise BroadcastError("choose at least one topic, a school, or a CSV list of numbers")
    if numbers is not None and not numbers:
        raise BroadcastError("the CSV list has no usable numbers")
    bad_topics = sorted(set(topics) - set(book.topics))
    if bad_topics:
        raise BroadcastError(f"no such topic: {', '.join(bad_topics)} (known: {', '.join(book.topics)})")
    if language and language not in book.languages:
        raise BroadcastError(f"no such language: {language}")
    if county:
        county_name = find_county(county)
        if county_name is None:
            raise BroadcastError(f"no Kenyan county called {county!r}")
        county = county_name
    now = utcnow()
    if recurrence:
        recurrence = check_recurrence(recurrence)
        if recurrence not in EVERY:  # a cron expression decides the times, the first one too
            start = as_utc(send_at) if send_at else now
            send_at = next_occurrence(recurrence, start, start - timedelta(seconds=1))
    broadcast = Broadcast(
        name=name.strip()[:80] or "untitled", status="recurring" if recurrence else "scheduled",
        topics=sorted(set(topics)), language=language or None, county=county, school=school,
        uses_list=numbers is not None, texts=texts, urgent=urgent, quiz=quiz, send_at=as_utc(send_at) if send_at else now, recurrence=recurrence,
        created_by=created_by, created_at=now, planned_through=0,
    )
    session.add(broadcast)
    session.flush()
    if numbers:
        table = BroadcastListNumber.__table__
        for start in range(0, len(numbers), 5000):
            session.execute(insert(table), [{"broadcast_id": broadcast.id, "phone": number}
                                            for number in numbers[start:start + 5000]])
    return broadcast


def _quiz_opening(book, code, texts):
    """A quiz broadcast's texts: the quiz's own opening (intro and first question) per language."""
    definition = book.quizzes.quizzes.get(code) if book.quizzes else None
    if definition is None:
        known = ", ".join(book.quizzes.quizzes) if book.quizzes else ""
        raise BroadcastError(f"no such quiz: {code} (known: {known})")
    if any(text and text.strip() for text in texts.values()):
        raise BroadcastError("a quiz broadcast sends the quiz's first question: give no text of your own")
    return {language: opening(book, definition, 0, language) for language in book.languages}


def get_broadcast(session, broadcast_id):
    broadcast = session.get(Broadcast, broadcast_id)
    if broadcast is None:
        raise BroadcastError(f"no broadcast {broadcast_id}")
    return broadcast


def start_due(session, now):
    """Scheduled broadcasts whose time has come become running; returns their ids."""
    due = session.scalars(
        update(Broadcast).where(Broadcast.status == "scheduled", Broadcast.send_at <= now)
        .values(status="running", started_at=now).returning(Broadcast.id)
    ).all()
    return list(due)


def spawn_due_occurrences(session, now):
    """Each recurring broadcast that fell due makes one occurrence (however many ticks see it)
    and moves on to its next time; returns the occurrences' ids."""
    spawned = []
    templates = session.scalars(
        select(Broadcast).where(Broadcast.status == "recurring", Broadcast.send_at <= now)
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
            status="running", send_at=due_at, parent_id=template.id, created_at=now, started_at=now,
            planned_through=0,
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
    if broadcast.status not in ("running", "scheduled", "recurring"):
        raise BroadcastError(f"broadcast {broadcast_id} is {broadcast.status}: only a running, scheduled or recurring one can be paused")
    for occurrence in _occurrences(session, broadcast, ("running", "scheduled")):
        occurrence.status = "paused"
    broadcast.status = "paused"
    return broadcast


def resume(session, broadcast_id, now):
    """Back to work; returns the broadcast, running unless its time (or a recurrence) is ahead."""
    broadcast = get_broadcast(session, broadcast_id)
    if broadcast.status != "paused":
        raise BroadcastError(f"broadcast {broadcast_id} is {broadcast.status}, not paused")
    if broadcast.recurrence and broadcast.parent_id is None:
        broadcast.status = "recurring"
        if as_utc(broadcast.send_at) <= now:  # times missed while paused are skipped, not sent late
            broadcast.send_at = next_occurrence(broadcast.recurrence, _first_time(session, broadcast), now)
        for occurrence in _occurrences(session, broadcast, ("paused",)):
            occurrence.status = "running"
    elif broadcast.started_at is None and as_utc(broadcast.send_at) > now:
        broadcast.status = "scheduled"
    else:
        broadcast.status = "running"
        broadcast.started_at = broadcast.started_at or now
    return broadcast


def cancel(session, broadcast_id, now):
    """Stop for good: messages not yet sent are marked cancelled. A batch already in the
    gateway's hands still lands and is recorded."""
    broadcast = get_broadcast(session, broadcast_id)
    if broadcast.status in FINISHED:
        raise BroadcastError(f"broadcast {broadcast_id} is already {broadcast.status}")
    stopping = [broadcast, *_occurrences(session, broadcast, ("running", "scheduled", "paused"))]
    for each in stopping:
        each.status, each.finished_at = "cancelled", now
    session.execute(
        update(OutboundMessage)
        .where(OutboundMessage.broadcast_id.in_([each.id for each in stopping]),
               OutboundMessage.status.in_(("queued", "retry")))
        .values(status="cancelled", updated_at=now)
    )
    return broadcast


def cancel_late_retries(session, now):
    """Messages of cancelled broadcasts that a batch in flight set to "retry" after the cancel."""
    return session.execute(
        update(OutboundMessage)
        .where(OutboundMessage.status == "retry",
               OutboundMessage.broadcast_id.in_(select(Broadcast.id).where(Broadcast.status == "cancelled")))
        .values(status="cancelled", updated_at=now)
    ).rowcount


def complete_if_done(session, broadcast_id, now):
    """Mark a running broadcast completed once its audience is written out and nothing is pending."""
    pending = session.scalar(
        select(func.count()).select_from(OutboundMessage)
        .where(OutboundMessage.broadcast_id == broadcast_id,
               OutboundMessage.status.in_(("queued", "retry", "sending")))
    )
    if pending:
        return False
    return bool(session.execute(
        update(Broadcast)
        .where(Broadcast.id == broadcast_id, Broadcast.status == "running", Broadcast.planned_at.is_not(None))
        .values(status="completed", finished_at=now)
    ).rowcount)


def requeue_uncertain(session, broadcast_id, now):
    """Staff decided the uncertain messages did not go out: send them again. Returns how many."""
    broadcast = get_broadcast(session, broadcast_id)
    if broadcast.status == "cancelled":
        raise BroadcastError(f"broadcast {broadcast_id} is cancelled")
    count = session.execute(
        update(OutboundMessage)
        .where(OutboundMessage.broadcast_id == broadcast_id, OutboundMessage.status == "uncertain")
        .values(status="queued", claim=None, failure_reason=None, updated_at=now)
    ).rowcount
    if count and broadcast.status == "completed":
        broadcast.status, broadcast.finished_at = "running", None
    return count


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


def uncertain_numbers(session, broadcast_id, limit=1000):
    return session.execute(
        select(OutboundMessage.phone, OutboundMessage.failure_reason, OutboundMessage.updated_at)
        .where(OutboundMessage.broadcast_id == broadcast_id, OutboundMessage.status == "uncertain")
        .order_by(OutboundMessage.id).limit(limit)
    ).all()
