"""How the inbox lists threads and what a thread shows.

Order: open urgent threads first, then every other thread; within each, the newest text first.
Views (one at a time), with topic, county and dates on top:
    all | needs_human (a text no keyword understood, not answered) | urgent (open urgent)
    | mine (assigned to me) | unassigned (open, nobody's) | handled
"""

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import and_, case, exists, func, or_, select

from sms_service.core.clock import as_utc, midnight_of
from sms_service.core.models import (
    Conversation,
    ConversationEntry,
    InboundMessage,
    OutboundMessage,
    QuizAttempt,
    Subscriber,
    Subscription,
)

VIEWS = ("all", "needs_human", "urgent", "mine", "unassigned", "handled")


@dataclass(frozen=True)
class ThreadFilters:
    view: str = "all"
    topic: str | None = None  # named in a text, or subscribed to
    county: str | None = None
    since: object = None  # a date (Nairobi): last text on or after it
    until: object = None  # a date (Nairobi): last text on or before it


def _open():
    return Conversation.handled_at.is_(None)


def _is_urgent():
    return and_(Conversation.urgent_since.is_not(None), _open())


def threads_query(filters, username):
    """A SELECT of Conversations for `filters`, as `username` (for "mine") sees them, in inbox order."""
    query = select(Conversation)
    view = filters.view
    if view == "needs_human":
        query = query.where(Conversation.needs_human_since.is_not(None), _open())
    elif view == "urgent":
        query = query.where(_is_urgent())
    elif view == "mine":
        query = query.where(Conversation.assigned_to == username)
    elif view == "unassigned":
        query = query.where(Conversation.assigned_to.is_(None), _open())
    elif view == "handled":
        query = query.where(Conversation.handled_at.is_not(None))
    if filters.topic:
        subscribed = exists().where(Subscriber.phone == Conversation.phone, Subscription.subscriber_id == Subscriber.id,
                                    Subscription.topic == filters.topic, Subscription.withdrawn_at.is_(None))
        query = query.where(or_(Conversation.topic == filters.topic, subscribed))
    if filters.county:
        query = query.where(exists().where(Subscriber.phone == Conversation.phone, Subscriber.county == filters.county))
    if filters.since:
        query = query.where(Conversation.last_text_at >= midnight_of(filters.since))
    if filters.until:
        query = query.where(Conversation.last_text_at < midnight_of(filters.until + timedelta(days=1)))
    first = case((_is_urgent(), 0), else_=1)
    return query.order_by(first, Conversation.last_text_at.desc(), Conversation.id.desc())


def inbox_counts(session):
    """{"needs_human": n, "urgent": n}: what the dashboard and the inbox show."""
    needs = session.scalar(select(func.count()).select_from(Conversation)
                           .where(Conversation.needs_human_since.is_not(None), _open()))
    urgent = session.scalar(select(func.count()).select_from(Conversation).where(_is_urgent()))
    return {"needs_human": needs or 0, "urgent": urgent or 0}


def last_texts(session, phones):
    """{phone: its last InboundMessage} for the threads on a page."""
    if not phones:
        return {}
    latest = (select(func.max(InboundMessage.id)).where(InboundMessage.phone.in_(list(phones)))
              .group_by(InboundMessage.phone))
    rows = session.scalars(select(InboundMessage).where(InboundMessage.id.in_(latest))).all()
    return {row.phone: row for row in rows}


@dataclass(frozen=True)
class ThreadItem:
    at: datetime  # UTC
    kind: str  # "text" (they sent), "reply" (automatic), "staff" (a staff answer), "broadcast",
    #            "message" (reminders and the like), "note" (internal)
    text: str | None
    author: str | None = None  # staff username for "staff" and "note"
    status: str | None = None  # an outbound message's delivery status
    purpose: str | None = None
    outcome: str | None = None  # how a text was read


def thread_items(session, conversation):
    """Everything in the thread, oldest first: their texts, every reply (automatic and staff),
    the broadcasts and other messages they received, and internal notes.

    Outbound messages are found by number: one scan of outbound_messages, which keeps no index on
    numbers on purpose (a broadcast writes a million rows), for the one thread opened."""
    phone = conversation.phone
    items = [ThreadItem(as_utc(row.received_at), "text", row.text, outcome=row.outcome)
             for row in session.scalars(select(InboundMessage).where(InboundMessage.phone == phone)
                                        .order_by(InboundMessage.id))]
    entries = session.scalars(select(ConversationEntry).where(ConversationEntry.conversation_id == conversation.id)
                              .order_by(ConversationEntry.id)).all()
    staff_by_message = {entry.outbound_message_id: entry.author for entry in entries if entry.kind == "reply"}
    for row in session.scalars(select(OutboundMessage).where(OutboundMessage.phone == phone).order_by(OutboundMessage.id)):
        if row.id in staff_by_message:
            kind = "staff"
        elif row.broadcast_id is not None:
            kind = "broadcast"
        elif row.in_reply_to is not None:
            kind = "reply"
        else:
            kind = "message"
        items.append(ThreadItem(as_utc(row.created_at), kind, row.text, author=staff_by_message.get(row.id),
                                status=row.status, purpose=row.purpose))
    items += [ThreadItem(as_utc(entry.written_at), "note", entry.text, author=entry.author)
              for entry in entries if entry.kind == "note"]
    order = {"text": 0, "reply": 1, "staff": 1, "message": 1, "broadcast": 1, "note": 2}
    return sorted(items, key=lambda item: (item.at, order[item.kind]))


@dataclass(frozen=True)
class Person:
    """What the inbox shows of the person beside a thread."""

    language: str | None
    county: str | None
    opted_out: bool
    topics: list  # topic codes subscribed to now, sorted
    quiz_attempts: list  # (quiz, status, score) of each attempt, oldest first


def person_of(session, phone):
    subscriber = session.scalar(select(Subscriber).where(Subscriber.phone == phone))
    attempts = [(row.quiz, row.status, row.score) for row in session.scalars(
        select(QuizAttempt).where(QuizAttempt.phone == phone).order_by(QuizAttempt.id))]
    if subscriber is None:
        return Person(None, None, False, [], attempts)
    topics = sorted(session.scalars(select(Subscription.topic).where(
        Subscription.subscriber_id == subscriber.id, Subscription.withdrawn_at.is_(None))))
    return Person(subscriber.language, subscriber.county, subscriber.suppressed_at is not None, topics, attempts)
