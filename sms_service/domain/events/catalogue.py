"""What staff create: an event with its titles, kind, campaign, venue, county, times, capacity
and audience, and its short code (EVENT <code>). Changes people must hear of (the time, the venue,
a cancellation) raise the event's revision; the workers' sweep (reminders.py) tells everyone."""

from dataclasses import dataclass

from sqlalchemy import func, select, update

from sms_service.core.clock import as_utc
from sms_service.core.models import Event, EventRegistration
from sms_service.core.typed_text import keyword_form
from sms_service.domain.events.registrations import promote_waiting
from sms_service.domain.events.states import CANCELLED, SCHEDULED

KINDS = ("forum", "festival", "debate", "workshop")
AUDIENCES = ("public", "school")
CODE_LENGTH = (2, 8)
TITLE_MAX, VENUE_MAX = 60, 60
CAPACITY_MAX = 100_000  # above Kenya's largest stadium (Kasarani, 60,000); a number past it is a typo


class EventError(ValueError):
    """Staff input that cannot make an event, with the reason to show them."""


@dataclass(frozen=True)
class EventDetails:
    """What staff give for an event; times are aware UTC datetimes (parsed from Nairobi time)."""

    code: str
    kind: str
    titles: dict  # language -> title
    campaign: str | None
    venue: str
    county: str
    starts_at: object
    ends_at: object
    capacity: int
    audience: str


def words_taken(book):
    """Every word a text may start with or name: keywords, topic and language words, quiz words.
    An event code is none of them, so `EVENT <code>` and every keyword keep one meaning."""
    taken = set(book.sms.keywords) | set(book.sms.topics) | set(book.sms.languages)
    if book.quizzes is not None:
        for quiz in book.quizzes.quizzes.values():
            taken |= {keyword_form(word) for word in quiz.words}
    return taken


def check_code(book, code):
    """The code as people text it (upper case); EventError when it is malformed or a taken word."""
    folded = keyword_form(code or "")
    low, high = CODE_LENGTH
    if not (low <= len(folded) <= high) or not folded.isalnum() or not folded.isascii() or folded != (code or "").strip().upper():
        raise EventError(f"the code must be {low} to {high} letters or digits (like F12), not {code!r}")
    if folded in words_taken(book):
        raise EventError(f"the code {folded} is a keyword, topic or quiz word people text: choose another")
    return folded


def check_details(book, details):
    """EventError with the first thing wrong with `details` (a new or changed event)."""
    missing = [language for language in book.languages if not (details.titles.get(language) or "").strip()]
    if missing:
        raise EventError(f"a title is needed in every language (missing: {', '.join(missing)})")
    if any(len(title) > TITLE_MAX for title in details.titles.values()):
        raise EventError(f"a title is at most {TITLE_MAX} characters")
    if details.kind not in KINDS:
        raise EventError(f"the kind is one of {', '.join(KINDS)}")
    if details.audience not in AUDIENCES:
        raise EventError(f"the audience is one of {', '.join(AUDIENCES)}")
    if details.campaign and details.campaign not in book.topics:
        raise EventError(f"unknown campaign {details.campaign!r}")
    if not details.venue.strip() or len(details.venue) > VENUE_MAX:
        raise EventError(f"the venue is 1 to {VENUE_MAX} characters")
    if details.ends_at <= details.starts_at:
        raise EventError("the event must end after it starts")
    if not 1 <= details.capacity <= CAPACITY_MAX:
        raise EventError(f"the capacity is 1 to {CAPACITY_MAX:,} places")


def create_event(session, book, details, actor, now):
    """A new scheduled Event; EventError for bad details or a code in use."""
    code = check_code(book, details.code)
    check_details(book, details)
    if session.scalar(select(Event.id).where(Event.code == code)) is not None:
        raise EventError(f"the code {code} is in use by another event")
    event = Event(code=code, kind=details.kind, titles=dict(details.titles), campaign=details.campaign or None,
                  venue=details.venue.strip(), county=details.county, starts_at=details.starts_at,
                  ends_at=details.ends_at, capacity=details.capacity, audience=details.audience, status=SCHEDULED,
                  revision=0, created_by=actor, created_at=now, updated_at=now)
    session.add(event)
    session.flush()
    return event


def update_event(session, book, event_id, details, now):
    """Change an event (its code stays); returns the Event and whether registered people must be
    told (its time or venue changed). A new time re-arms the reminders; more places move the
    waiting list up. EventError for bad
    details, a cancelled event or a capacity below the places already taken."""
    event = _scheduled(session, event_id)
    check_details(book, details)
    taken = session.scalar(select(func.count()).select_from(EventRegistration)
                           .where(EventRegistration.event_id == event.id, EventRegistration.status == "registered"))
    if details.capacity < taken:
        raise EventError(f"{taken} people are registered: the capacity cannot go below that")
    moved = (details.starts_at, details.ends_at) != (as_utc(event.starts_at), as_utc(event.ends_at))
    tell = moved or details.venue.strip() != event.venue
    event.kind, event.titles, event.campaign = details.kind, dict(details.titles), details.campaign or None
    event.venue, event.county, event.starts_at, event.ends_at = details.venue.strip(), details.county, details.starts_at, details.ends_at
    event.capacity, event.audience, event.updated_at = details.capacity, details.audience, now
    if tell:
        event.revision += 1
    if moved:
        session.execute(update(EventRegistration).where(EventRegistration.event_id == event.id)
                        .values(evening_reminded=False, soon_reminded=False))
    session.flush()
    # More places: the waiting list moves up, in order (the sweep tells each of them).
    while promote_waiting(session, event, now) is not None:
        pass
    return event, tell


def cancel_event(session, event_id, now):
    """Cancel an event: everyone registered or waiting is told by the next sweep. EventError if
    it is cancelled already."""
    event = _scheduled(session, event_id)
    event.status, event.revision, event.updated_at = CANCELLED, event.revision + 1, now
    session.flush()
    return event


def _scheduled(session, event_id):
    event = session.get(Event, event_id)
    if event is None:
        raise EventError(f"there is no event {event_id}")
    if event.status != SCHEDULED:
        raise EventError("the event is cancelled: it cannot change any more")
    return event


def suggested_code(session):
    """A free code to offer staff in the form: E and the next number."""
    number = (session.scalar(select(Event.id).order_by(Event.id.desc()).limit(1)) or 0) + 1
    while session.scalar(select(Event.id).where(Event.code == f"E{number}")) is not None:
        number += 1
    return f"E{number}"
