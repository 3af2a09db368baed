"""Durable records. Times are stored in UTC."""

from datetime import datetime, timezone

from sqlalchemy import JSON, Boolean, DateTime, ForeignKey, Index, Integer, String, UniqueConstraint, text
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column


def utcnow():
    return datetime.now(timezone.utc)


class Base(DeclarativeBase):
    pass


class Subscriber(Base):
    """A phone number we know, with the language and county it told us."""

    __tablename__ = "subscribers"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    phone: Mapped[str] = mapped_column(String(16), unique=True)  # E.164
    language: Mapped[str] = mapped_column(String(8), default="en")
    county: Mapped[str | None] = mapped_column(String(32))
    # A student's school, registered once (SCHOOL by SMS, or on USSD), for quiz leaderboards.
    school: Mapped[str | None] = mapped_column(String(60))
    # Set by STOP (or AT's opt-out callback): nothing more is sent until the number texts JOIN.
    suppressed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(
        DateTime(timezone=True), default=utcnow, onupdate=utcnow
    )


class Consent(Base):
    """One grant or withdrawal of consent, kept as a ledger (Kenya's Data Protection Act 2019)."""

    __tablename__ = "consents"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    subscriber_id: Mapped[int] = mapped_column(ForeignKey("subscribers.id"), index=True)
    purpose: Mapped[str] = mapped_column(String(64))  # e.g. "petition:att", "updates:torture"
    granted: Mapped[bool] = mapped_column(Boolean)
    channel: Mapped[str] = mapped_column(String(16))  # "ussd", "sms", ...
    recorded_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class Subscription(Base):
    """A subscriber's wish to receive SMS updates on one campaign topic."""

    __tablename__ = "subscriptions"
    __table_args__ = (UniqueConstraint("subscriber_id", "topic"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    subscriber_id: Mapped[int] = mapped_column(ForeignKey("subscribers.id"), index=True)
    topic: Mapped[str] = mapped_column(String(32), index=True)
    consent_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    channel: Mapped[str] = mapped_column(String(16))
    withdrawn_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))


class PetitionSignature(Base):
    """One signature: at most one per number per petition."""

    __tablename__ = "petition_signatures"
    __table_args__ = (UniqueConstraint("petition", "subscriber_id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    petition: Mapped[str] = mapped_column(String(32), index=True)
    subscriber_id: Mapped[int] = mapped_column(ForeignKey("subscribers.id"), index=True)
    full_name: Mapped[str] = mapped_column(String(64))
    county: Mapped[str | None] = mapped_column(String(32))  # SMS signatures (ATT <name>) have none
    consent_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    channel: Mapped[str] = mapped_column(String(16))
    signed_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class InboundMessage(Base):
    """An SMS a person sent us, stored before it is handled so that none is lost."""

    __tablename__ = "inbound_messages"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    at_id: Mapped[str] = mapped_column(String(64), unique=True)  # AT's id: a retry is handled once
    phone: Mapped[str] = mapped_column(String(16), index=True)
    shortcode: Mapped[str] = mapped_column(String(32))
    text: Mapped[str] = mapped_column(String(1600))
    link_id: Mapped[str | None] = mapped_column(String(64))
    network_code: Mapped[str | None] = mapped_column(String(16))
    sent_at: Mapped[str | None] = mapped_column(String(40))  # AT's `date`, as AT wrote it
    received_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    handled_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    outcome: Mapped[str | None] = mapped_column(String(32))  # the keyword it was read as


class Broadcast(Base):
    """A campaign message to an audience: sent once, at a time, or (as a template) on a recurrence.

    A recurring broadcast sends nothing itself: each time it falls due it makes an occurrence, an
    ordinary broadcast with `parent_id` set, so progress is counted per occurrence.
    """

    __tablename__ = "broadcasts"
    __table_args__ = (UniqueConstraint("parent_id", "send_at"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(80))
    # scheduled -> running -> completed; paused, cancelled; "recurring" for a template
    status: Mapped[str] = mapped_column(String(16))
    topics: Mapped[list] = mapped_column(JSON, default=list)  # empty with a CSV list
    language: Mapped[str | None] = mapped_column(String(8))
    county: Mapped[str | None] = mapped_column(String(32))
    uses_list: Mapped[bool] = mapped_column(Boolean, default=False)  # audience from an uploaded CSV
    school: Mapped[str | None] = mapped_column(String(60))  # audience: students of one school
    # Set when the broadcast pushes a quiz: each recipient gets an attempt and its first question.
    quiz: Mapped[str | None] = mapped_column(String(32))
    texts: Mapped[dict] = mapped_column(JSON)  # language -> text; "en" always present
    urgent: Mapped[bool] = mapped_column(Boolean, default=False)  # sent even in quiet hours
    send_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))  # next run, for a template
    recurrence: Mapped[str | None] = mapped_column(String(64))  # daily, weekly, monthly or cron
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("broadcasts.id"), index=True)
    created_by: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    started_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    finished_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    # How far the audience has been written out as messages (a subscriber or list-row id), so a
    # planner that died goes on from there; planned_at once it is all written.
    planned_through: Mapped[int] = mapped_column(Integer, default=0)
    planned_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))


class BroadcastListNumber(Base):
    """One number of a broadcast's uploaded CSV audience."""

    __tablename__ = "broadcast_list_numbers"
    __table_args__ = (UniqueConstraint("broadcast_id", "phone"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    broadcast_id: Mapped[int] = mapped_column(ForeignKey("broadcasts.id"))
    phone: Mapped[str] = mapped_column(String(16))


class OutboundMessage(Base):
    """One SMS to one number, from queued to delivered or failed."""

    __tablename__ = "outbound_messages"
    # Few indexes on purpose: a broadcast writes a million rows, and each index keyed by a
    # number or an AT message id takes one write in a random place per row. Only AT's id (for
    # delivery reports) and the senders' claim order are indexed.
    __table_args__ = (Index("ix_outbound_messages_broadcast_status", "broadcast_id", "status", "id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    phone: Mapped[str] = mapped_column(String(16))
    text: Mapped[str] = mapped_column(String(1600))
    purpose: Mapped[str] = mapped_column(String(32))  # "reply", "stop_confirmation", ...
    in_reply_to: Mapped[int | None] = mapped_column(ForeignKey("inbound_messages.id"))
    # queued -> sending -> sent -> delivered | failed; retry (try again later); uncertain (may
    # have gone out: a read timeout, or a sender killed mid-request); cancelled (a broadcast
    # stopped before it went)
    status: Mapped[str] = mapped_column(String(16), default="queued")
    gateway_message_id: Mapped[str | None] = mapped_column(String(64), unique=True)
    status_code: Mapped[int | None] = mapped_column(Integer)
    cost: Mapped[str | None] = mapped_column(String(32))
    failure_reason: Mapped[str | None] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    sent_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    # Broadcast messages only: which sender holds the message while it is "sending", how often
    # it was tried, and when a "retry" may go again.
    broadcast_id: Mapped[int | None] = mapped_column(ForeignKey("broadcasts.id"))
    claim: Mapped[str | None] = mapped_column(String(40))
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    retry_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))


class QuizAttempt(Base):
    """One student's run through one quiz: at most one per number per quiz, so scores are fair.

    A number has at most one "open" attempt, the one its answers go to. Starting another quiz
    pauses it (QUIZ <name> resumes it); silence expires it; "finished" and "expired" are final.
    """

    __tablename__ = "quiz_attempts"
    __table_args__ = (
        UniqueConstraint("quiz", "phone"),
        Index("ix_quiz_attempts_one_open", "phone", unique=True,
              sqlite_where=text("status = 'open'"), postgresql_where=text("status = 'open'")),
        Index("ix_quiz_attempts_status_prompted", "status", "last_prompt_at"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    quiz: Mapped[str] = mapped_column(String(32))
    phone: Mapped[str] = mapped_column(String(16))
    language: Mapped[str] = mapped_column(String(8))
    channel: Mapped[str] = mapped_column(String(16))  # where it started: sms, ussd, broadcast
    status: Mapped[str] = mapped_column(String(16))  # open, paused, finished, expired
    next_question: Mapped[int] = mapped_column(Integer, default=0)  # 0-based; = count when done
    score: Mapped[int] = mapped_column(Integer, default=0)
    started_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    last_prompt_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    reminded_question: Mapped[int | None] = mapped_column(Integer)  # a reminder went for this one
    finished_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    broadcast_id: Mapped[int | None] = mapped_column(ForeignKey("broadcasts.id"))


class QuizAnswer(Base):
    """One answer to one question; the unique key keeps the first and refuses any later one."""

    __tablename__ = "quiz_answers"
    __table_args__ = (UniqueConstraint("attempt_id", "question"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    attempt_id: Mapped[int] = mapped_column(ForeignKey("quiz_attempts.id"))
    question: Mapped[int] = mapped_column(Integer)  # 0-based
    choice: Mapped[str] = mapped_column(String(1))  # A-D
    correct: Mapped[bool] = mapped_column(Boolean)
    channel: Mapped[str] = mapped_column(String(16))
    answered_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


# The staff console (sms_service/console/).


class StaffAccount(Base):
    """A person who works in the staff console, with one role: viewer, editor or admin."""

    __tablename__ = "staff_accounts"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    username: Mapped[str] = mapped_column(String(64), unique=True)
    password_hash: Mapped[str] = mapped_column(String(256))  # werkzeug.security
    role: Mapped[str] = mapped_column(String(16))
    active: Mapped[bool] = mapped_column(Boolean, default=True)  # accounts are switched off, never deleted
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    last_login_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))


class AuditEntry(Base):
    """Who did what in the console: sent, scheduled, paused, exported, imported, changed accounts."""

    __tablename__ = "audit_entries"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    actor: Mapped[str] = mapped_column(String(64), index=True)  # a username, or "cli:<login>"
    action: Mapped[str] = mapped_column(String(40))  # "broadcast.create", "subscribers.export", ...
    subject: Mapped[str] = mapped_column(String(200))  # what it was done to, for people to read
    detail: Mapped[dict] = mapped_column(JSON, default=dict)


class SubscriberImport(Base):
    """One CSV import of subscribers, with the consent basis staff stated for every row in it.

    Consent rows recorded by an import carry the channel "import:<id>", which leads back here.
    """

    __tablename__ = "subscriber_imports"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    imported_by: Mapped[str] = mapped_column(String(64))
    imported_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    filename: Mapped[str] = mapped_column(String(200))
    consent_basis: Mapped[str] = mapped_column(String(500))  # how these people said yes, and when
    topics: Mapped[list] = mapped_column(JSON, default=list)
    rows: Mapped[int] = mapped_column(Integer)
