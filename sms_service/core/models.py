"""Durable records. Times are stored in UTC."""

from datetime import date, datetime, timezone

from sqlalchemy import JSON, Boolean, Date, DateTime, Float, ForeignKey, Index, Integer, String, UniqueConstraint, text
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
    language: Mapped[str] = mapped_column(String(8))  # flows/catalog.yaml's default until they choose
    county: Mapped[str | None] = mapped_column(String(32))
    # A student's school, registered once (SCHOOL by SMS, or on USSD), for quiz leaderboards.
    school: Mapped[str | None] = mapped_column(String(60))
    # What the school is matched and grouped on (core/typed_text.py `matching_key`, with `county`):
    # "St. Mary’s Girls" and "st marys girls" are one school; `school` keeps the first form typed.
    school_key: Mapped[str | None] = mapped_column(String(80), index=True)
    # The school's record when a teacher or school contact registered it (School): set at SCHOOL
    # when the school is registered already, or when it registers later.
    # (No foreign key: SQLite would rebuild the subscribers table, which others reference, to add one.)
    school_id: Mapped[int | None] = mapped_column(Integer, index=True)
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
    """One signature: at most one per number per petition, and on the web (no number) at most one
    per name and email, when an email was given."""

    __tablename__ = "petition_signatures"
    __table_args__ = (
        UniqueConstraint("petition", "subscriber_id"),
        UniqueConstraint("petition", "fingerprint", name="uq_petition_signatures_fingerprint"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    petition: Mapped[str] = mapped_column(String(32), index=True)
    # None for a web signature: a web form cannot prove a phone number.
    subscriber_id: Mapped[int | None] = mapped_column(ForeignKey("subscribers.id"), index=True)
    full_name: Mapped[str] = mapped_column(String(64))
    county: Mapped[str | None] = mapped_column(String(32))  # SMS signatures (ATT <name>) have none
    # ISO 3166-1 alpha-2: the number's country for a phone signature, the signer's choice on the web.
    country: Mapped[str | None] = mapped_column(String(2))
    # Web signatures with an email: a one-way hash of the normalised name and email (the email itself
    # is never stored), so that the same person signing twice is noticed. None otherwise.
    fingerprint: Mapped[str | None] = mapped_column(String(64))
    consent_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    channel: Mapped[str] = mapped_column(String(16))
    signed_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class InboundMessage(Base):
    """An SMS a person sent us, stored before it is handled so that none is lost."""

    __tablename__ = "inbound_messages"
    # Only the rows not handled yet: what the workers' clock looks for (messaging/recovery.py).
    __table_args__ = (Index("ix_inbound_messages_unhandled", "received_at", sqlite_where=text("handled_at IS NULL"),
                            postgresql_where=text("handled_at IS NULL")),)

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
    # With a CSV list: how the people on it agreed to these messages, and when, as staff stated it
    # (Data Protection Act 2019 s.30, s.32; the subscriber import asks the same).
    consent_basis: Mapped[str | None] = mapped_column(String(500))
    # Set when the broadcast pushes a quiz: each recipient gets an attempt and its first question.
    quiz: Mapped[str | None] = mapped_column(String(32))
    texts: Mapped[dict] = mapped_column(JSON)  # language -> text; the default language's always present
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
    # Why the service itself paused it (the gateway refused the account: credentials, balance),
    # shown to staff until they resume it.
    stop_reason: Mapped[str | None] = mapped_column(String(200))
    # KES, estimated when staff confirmed it (recipients x segments x BROADCAST_COST_PER_SEGMENT):
    # what the spend guard adds up against the monthly budget (domain/broadcasts/spend.py).
    estimated_cost: Mapped[float | None] = mapped_column(Float)


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
    # The status word of its last delivery report as the gateway wrote it ("Success", or one we
    # do not know yet, which leaves `status` as it was).
    raw_delivery_status: Mapped[str | None] = mapped_column(String(32))
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


# The staff console (sms_service/web/console/).


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
    # Base32 TOTP secret (RFC 6238) when two-factor login is on; editors, responders and admins may have one.
    totp_secret: Mapped[str | None] = mapped_column(String(64))


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


class DailyFigure(Base):
    """One figure of one Nairobi day, kept by the workers' clock (domain/figures/rollup.py) so that
    charts never count the message tables themselves.

    `campaign` is a topic code, "all" (everything, each message once) or "none" (not attributed to
    any campaign); `detail` splits a metric (a topic, a channel, a failure reason), "" when none.
    """

    __tablename__ = "daily_figures"

    campaign: Mapped[str] = mapped_column(String(32), primary_key=True)
    metric: Mapped[str] = mapped_column(String(32), primary_key=True)
    day: Mapped[date] = mapped_column(Date, primary_key=True)  # the Nairobi date
    detail: Mapped[str] = mapped_column(String(64), primary_key=True)
    value: Mapped[float] = mapped_column(Float)  # a count, or KES for spend
    computed_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class BookletRequest(Base):
    """A teacher's request for information booklets for the pupils of a school they registered as
    its contact (TEACHER; School), by BOOKLET by SMS or USSD: requested, then approved (a quantity) or declined by staff, then dispatched.

    The delivery address is asked at request time and kept with the request, the least that
    lets the booklets reach the school; the teacher's number is the contact.
    """

    __tablename__ = "booklet_requests"
    __table_args__ = (Index("ix_booklet_requests_county_status", "county", "status"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    phone: Mapped[str] = mapped_column(String(16), index=True)  # E.164: the teacher, the school's contact
    booklet: Mapped[str] = mapped_column(String(32))  # a code of flows/catalog.yaml `booklets`
    pupils: Mapped[int] = mapped_column(Integer)  # asked for, at most BOOKLET_MAX_PUPILS
    approved_quantity: Mapped[int | None] = mapped_column(Integer)
    school: Mapped[str] = mapped_column(String(60))
    county: Mapped[str] = mapped_column(String(32))
    # The school's record (School.id) the teacher is contact of; None only for requests before 0019.
    school_id: Mapped[int | None] = mapped_column(Integer, index=True)
    delivery_address: Mapped[str] = mapped_column(String(120))
    language: Mapped[str] = mapped_column(String(8))
    channel: Mapped[str] = mapped_column(String(16))  # sms, ussd
    status: Mapped[str] = mapped_column(String(16))  # requested, approved, declined, dispatched
    requested_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    decided_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    dispatched_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    decided_by: Mapped[str | None] = mapped_column(String(64))  # a staff login


class EssayCompetition(Base):
    """A national essay competition staff publish: its theme per language, its deadline, how
    essays reach us (on paper, through the school, or by email) and, at the end, the results."""

    __tablename__ = "essay_competitions"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    title: Mapped[dict] = mapped_column(JSON)  # {language: title}
    theme: Mapped[dict] = mapped_column(JSON)  # {language: theme}
    deadline: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    submission: Mapped[str] = mapped_column(String(8))  # paper, email
    submit_email: Mapped[str | None] = mapped_column(String(80))  # where essays go, for "email"
    status: Mapped[str] = mapped_column(String(16))  # open, announced
    results: Mapped[dict | None] = mapped_column(JSON)  # {language: announcement}, once announced
    week_reminder_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))  # claimed by the sweep
    day_reminder_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    announced_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    created_by: Mapped[str] = mapped_column(String(64))


class EssayEntrant(Base):
    """A student of a school whose contact confirmed guardians' consent (School), entered in a
    competition; no name: the essay itself carries it."""

    __tablename__ = "essay_entrants"
    __table_args__ = (UniqueConstraint("competition_id", "phone"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    competition_id: Mapped[int] = mapped_column(ForeignKey("essay_competitions.id"), index=True)
    phone: Mapped[str] = mapped_column(String(16), index=True)  # E.164
    school: Mapped[str] = mapped_column(String(60))
    school_key: Mapped[str] = mapped_column(String(80))
    county: Mapped[str] = mapped_column(String(32))
    # The consented school's record (School.id, as Subscriber.school_id); None only before 0019.
    school_id: Mapped[int | None] = mapped_column(Integer, index=True)
    language: Mapped[str] = mapped_column(String(8))
    channel: Mapped[str] = mapped_column(String(16))
    entered_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    # When the theme went by SMS: at once for an SMS entry (the reply), by the sweep for USSD.
    theme_sent_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))


class UssdJourney(Base):
    """One ended USSD session, as journey analytics need it: the screens it went through and how
    it ended. Never what the caller typed (AT's `input`, our answers) nor what was shown to them
    (`lastAppResponse`); the number only as its keyed hash (core/pseudonyms.py). Deleted after
    USSD_JOURNEY_RETENTION_DAYS (domain/ussd_journeys/retention.py)."""

    __tablename__ = "ussd_journeys"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    session_id: Mapped[str] = mapped_column(String(100), unique=True)  # AT's: a repeat is stored once
    phone_key: Mapped[str | None] = mapped_column(String(64))
    network: Mapped[str | None] = mapped_column(String(16))  # AT's networkCode: "63902" Safaricom
    language: Mapped[str | None] = mapped_column(String(8))  # the caller's at the last hop
    # "success", "incomplete", "failed" (AT's status), or "timed_out" (no notification came)
    status: Mapped[str] = mapped_column(String(16))
    closed_by: Mapped[str] = mapped_column(String(8))  # "at" (its notification) or "sweep"
    path: Mapped[list] = mapped_column(JSON, default=list)  # screen ids, one per hop
    refused: Mapped[list] = mapped_column(JSON, default=list)  # screen ids where an answer was refused
    hops: Mapped[int] = mapped_column(Integer)  # AT's hopsCount, else our own count
    duration_ms: Mapped[int | None] = mapped_column(Integer)  # AT's durationInMillis
    cost: Mapped[str | None] = mapped_column(String(24))  # AT's, as sent: "KES 0.0000"
    error_message: Mapped[str | None] = mapped_column(String(500))  # AT's errorMessage (Failed)
    started_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    ended_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), index=True)


# The conversations inbox (sms_service/domain/conversations/, /console/conversations).


class Conversation(Base):
    """One thread per number that texted us: whether it waits for a person, is urgent, whose it
    is, and when it was handled. The texts themselves stay in inbound_messages and outbound_messages."""

    __tablename__ = "conversations"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    phone: Mapped[str] = mapped_column(String(16), unique=True)  # E.164
    last_text_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), index=True)
    # A text no keyword understood (or a danger text), not answered by staff yet.
    needs_human_since: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    # The first danger text since the thread was last handled: it goes first until handled.
    urgent_since: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    # Once a danger text came, the thread's texts are for responders and admins only, for good.
    restricted: Mapped[bool] = mapped_column(Boolean, default=False)
    topic: Mapped[str | None] = mapped_column(String(32))  # the campaign topic its last text named
    assigned_to: Mapped[str | None] = mapped_column(String(64))  # a console username
    handled_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    handled_by: Mapped[str | None] = mapped_column(String(64))
    # The helpline reply to a danger text goes at most once a day per number.
    helplines_sent_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))


class ConversationEntry(Base):
    """What staff added to a thread: an internal note (never sent) or a reply they sent (the
    message itself is the outbound_messages row it names)."""

    __tablename__ = "conversation_entries"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    conversation_id: Mapped[int] = mapped_column(ForeignKey("conversations.id"), index=True)
    kind: Mapped[str] = mapped_column(String(8))  # "note" or "reply"
    author: Mapped[str] = mapped_column(String(64))
    text: Mapped[str | None] = mapped_column(String(1600))  # a note's text; a reply's is its message's
    outbound_message_id: Mapped[int | None] = mapped_column(ForeignKey("outbound_messages.id"))
    written_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
# People's own data (sms_service/domain/people/).


class ErasedOptOut(Base):
    """The keyed hash of a number that opted out and was then erased (services.phone_keys, never
    the number): it keeps that person out of every send, although nothing else about them is kept."""

    __tablename__ = "erased_opt_outs"

    key: Mapped[str] = mapped_column(String(64), primary_key=True)  # PhoneKeys.key(phone), hex
    erased_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


# School programmes: events (forums, festivals, debates, workshops) and who registered for them.


class Event(Base):
    """A forum, festival, debate or workshop people register for by SMS or USSD with its `code`.

    `revision` goes up with every change people must hear of (time, venue, a cancellation); each
    registration remembers the revision it was told of, so the workers' sweep tells the others.
    """

    __tablename__ = "events"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    code: Mapped[str] = mapped_column(String(8), unique=True)  # EVENT <code>: never a keyword or topic word
    kind: Mapped[str] = mapped_column(String(16))  # forum, festival, debate, workshop
    titles: Mapped[dict] = mapped_column(JSON)  # language -> title
    campaign: Mapped[str | None] = mapped_column(String(32))  # a topic of flows/catalog.yaml
    venue: Mapped[str] = mapped_column(String(60))
    county: Mapped[str] = mapped_column(String(32))
    starts_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    ends_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    capacity: Mapped[int] = mapped_column(Integer)  # places; the rest wait, promoted in order
    audience: Mapped[str] = mapped_column(String(8))  # "school" or "public"
    status: Mapped[str] = mapped_column(String(16), default="scheduled")  # scheduled, cancelled
    revision: Mapped[int] = mapped_column(Integer, default=0)
    created_by: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class EventRegistration(Base):
    """One number's place (or place in the waiting list) at one event: at most one per number."""

    __tablename__ = "event_registrations"
    __table_args__ = (
        UniqueConstraint("event_id", "phone"),
        Index("ix_event_registrations_event_status", "event_id", "status", "line"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("events.id"))
    phone: Mapped[str] = mapped_column(String(16))  # E.164
    name: Mapped[str | None] = mapped_column(String(64))  # for the door only; never shown publicly
    status: Mapped[str] = mapped_column(String(16))  # registered, waiting, cancelled
    channel: Mapped[str] = mapped_column(String(16))
    queued_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))  # when it (last) registered
    line: Mapped[int] = mapped_column(Integer)  # its turn in the event, counted up: the waiting list's order
    checked_in_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    checked_in_by: Mapped[str | None] = mapped_column(String(64))
    evening_reminded: Mapped[bool] = mapped_column(Boolean, default=False)
    soon_reminded: Mapped[bool] = mapped_column(Boolean, default=False)
    notified_revision: Mapped[int] = mapped_column(Integer, default=0)  # the event's revision they know
    # Moved up from the waiting list when a place freed; the sweep tells them once.
    promoted_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    promotion_told: Mapped[bool] = mapped_column(Boolean, default=False)


class School(Base):
    """A school taking part, registered by a teacher or school contact who confirmed, on the
    school's behalf, that students' parents or guardians consented (Data Protection Act 2019 s.33).
    Students link to it (Subscriber.school_id); they give no name."""

    __tablename__ = "schools"
    __table_args__ = (UniqueConstraint("name_key", "county"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(60))
    name_key: Mapped[str] = mapped_column(String(80))  # core/typed_text.py matching_key, as Subscriber.school_key
    county: Mapped[str] = mapped_column(String(32))
    contact_name: Mapped[str | None] = mapped_column(String(64))  # None once erased
    contact_phone: Mapped[str | None] = mapped_column(String(16), index=True)  # E.164
    # When the contact confirmed guardians' consent (TEACHER YES, or staff in the console); None: not yet,
    # and the school's students are not linked to it until then.
    consent_confirmed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    channel: Mapped[str] = mapped_column(String(16))  # sms, ussd, console
    registered_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
