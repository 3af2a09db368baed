"""A person's registrations: EVENT <code> [name] takes a place (or a place in the waiting list),
EVENT LEAVE <code> gives it up, and the first in the waiting list moves up when a place frees.

Registering twice changes nothing (one row per number and event). Places are counted under a
lock on the event's row (FOR UPDATE on PostgreSQL; SQLite has one writer at a time), so two
people registering at once never take more places than there are.
"""

from dataclasses import dataclass

from sqlalchemy import delete, func, select

from sms_service.core.clock import as_utc
from sms_service.core.models import Event, EventRegistration, School, Subscriber
from sms_service.core.typed_text import keyword_form
from sms_service.domain.events.states import SCHEDULED

REGISTERED, WAITING, CANCELLED = "registered", "waiting", "cancelled"
# Outcomes, as the one action registry and the SMS replies name them.
ALREADY_REGISTERED, ALREADY_WAITING = "already_registered", "already_waiting"
UNKNOWN_EVENT, CLOSED, SCHOOLS_ONLY = "unknown_event", "closed", "schools_only"
LEFT, NOT_REGISTERED = "left", "not_registered"
SCHOOL_AUDIENCE = "school"  # catalogue.py AUDIENCES: a school event, for schools taking part only
UPCOMING_LISTED = 3  # events in an EVENT list: it must fit two SMS segments


@dataclass(frozen=True)
class Registered:
    outcome: str
    event: Event | None
    position: int = 0  # in the waiting list, from 1
    promoted_id: int | None = None  # LEAVE: the registration that took the freed place


def find_event(session, code):
    """The Event with `code` as typed, or None: compared as keywords are (`keyword_form`: any case,
    punctuation and zero-width characters ignored, "f-12!" is F12), as staff's codes are kept."""
    return session.scalar(select(Event).where(Event.code == keyword_form(code or "")))


def _locked_event(session, code):
    return session.scalar(select(Event).where(Event.code == keyword_form(code or "")).with_for_update())


def takes_part_through_a_school(session, phone):
    """True for a student of a school whose contact confirmed guardians' consent (Data Protection
    Act 2019 s.33), or a school's registered contact: who may register, with a name for the door,
    for a school event."""
    student = select(Subscriber.id).where(Subscriber.phone == phone, Subscriber.school_id.is_not(None))
    contact = select(School.id).where(School.contact_phone == phone)
    return session.scalar(select(student.exists())) or session.scalar(select(contact.exists()))


def is_open(event, now):
    return event.status == SCHEDULED and as_utc(event.starts_at) > now


def register(session, code, phone, name, channel, now):
    """Take a place at event `code` for `phone` (E.164), with `name` for the door (or None)."""
    event = _locked_event(session, code)
    if event is None:
        return Registered(UNKNOWN_EVENT, None)
    mine = session.scalar(select(EventRegistration).where(EventRegistration.event_id == event.id,
                                                          EventRegistration.phone == phone))
    if mine is not None and mine.status != CANCELLED:
        if name and not mine.name:
            mine.name = name
        if mine.status == REGISTERED:
            return Registered(ALREADY_REGISTERED, event)
        return Registered(ALREADY_WAITING, event, waiting_position(session, mine))
    if not is_open(event, now):
        return Registered(CLOSED, event)
    if event.audience == SCHOOL_AUDIENCE and not takes_part_through_a_school(session, phone):
        return Registered(SCHOOLS_ONLY, event)
    status = REGISTERED if places_taken(session, event.id) < event.capacity else WAITING
    last = session.scalar(select(func.max(EventRegistration.line)).where(EventRegistration.event_id == event.id))
    if mine is None:
        mine = EventRegistration(event_id=event.id, phone=phone, channel=channel)
        session.add(mine)
    mine.name = name or mine.name
    mine.status, mine.queued_at, mine.line, mine.channel = status, now, (last or 0) + 1, channel
    mine.evening_reminded = mine.soon_reminded = False
    mine.notified_revision = event.revision  # they register for it as it stands
    mine.promoted_at, mine.promotion_told = None, False
    mine.checked_in_at = mine.checked_in_by = None
    session.flush()
    if status == WAITING:
        return Registered(WAITING, event, waiting_position(session, mine))
    return Registered(REGISTERED, event)


def leave(session, code, phone, now):
    """Give up the place (or the waiting place) at event `code`; a freed place goes to the first
    in the waiting list (`promoted_id`), whom the workers' sweep tells (reminders.py)."""
    event = _locked_event(session, code)
    if event is None:
        return Registered(UNKNOWN_EVENT, None)
    mine = session.scalar(select(EventRegistration).where(EventRegistration.event_id == event.id,
                                                          EventRegistration.phone == phone))
    if mine is None or mine.status == CANCELLED:
        return Registered(NOT_REGISTERED, event)
    freed = mine.status == REGISTERED
    mine.status = CANCELLED
    session.flush()
    promoted = promote_waiting(session, event, now) if freed and is_open(event, now) else None
    return Registered(LEFT, event, promoted_id=promoted)


def promote_waiting(session, event, now):
    """Move the first in the waiting list up when a place is free; its registration id, or None."""
    if places_taken(session, event.id) >= event.capacity:
        return None
    first = session.scalar(select(EventRegistration)
                           .where(EventRegistration.event_id == event.id, EventRegistration.status == WAITING)
                           .order_by(EventRegistration.line).limit(1))
    if first is None:
        return None
    first.status, first.promoted_at, first.promotion_told = REGISTERED, now, False
    session.flush()
    return first.id


def places_taken(session, event_id):
    return session.scalar(select(func.count()).select_from(EventRegistration)
                          .where(EventRegistration.event_id == event_id, EventRegistration.status == REGISTERED))


def waiting_position(session, registration):
    """1 for the first in the waiting list."""
    ahead = session.scalar(select(func.count()).select_from(EventRegistration).where(
        EventRegistration.event_id == registration.event_id, EventRegistration.status == WAITING,
        EventRegistration.line < registration.line))
    return ahead + 1


def upcoming(session, county, now, limit=UPCOMING_LISTED):
    """The next open events, those in `county` (the person's, or None) first, then by start."""
    in_county = (Event.county == county) if county else None
    order = ([in_county.desc()] if in_county is not None else []) + [Event.starts_at, Event.id]
    return session.scalars(select(Event).where(Event.status == SCHEDULED, Event.starts_at > now)
                           .order_by(*order).limit(limit)).all()


def erase_event_registrations(session, phone, now):
    """Erase every event registration of `phone` (E.164), names included (a data subject's
    request under the Data Protection Act 2019 s.40); how many rows went. A place it held at an
    event still to come goes to the first in its waiting list, as when someone leaves."""
    held = session.scalars(select(EventRegistration.event_id).where(EventRegistration.phone == phone,
                                                                    EventRegistration.status == REGISTERED)).all()
    erased = session.execute(delete(EventRegistration).where(EventRegistration.phone == phone)).rowcount
    for event_id in held:
        event = session.scalar(select(Event).where(Event.id == event_id).with_for_update())
        if event is not None and is_open(event, now):
            promote_waiting(session, event, now)
    return erased
