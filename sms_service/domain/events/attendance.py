"""Who came: the door's search (a name, or a number's last three digits), one-tap check-in,
counts per event for the console and the dashboard, and the registrations export."""

from dataclasses import dataclass

from sqlalchemy import case, func, select, update

from sms_service.core.clock import show_local
from sms_service.core.models import Event, EventRegistration
from sms_service.core.phone_numbers import mask_msisdn, not_a_test_number
from sms_service.domain.events.registrations import CANCELLED, REGISTERED, WAITING

SEARCH_LIMIT = 20  # rows the door page shows: enough for a name typed in part
CHECKED_IN, ALREADY_CHECKED_IN, NOT_REGISTERED = "checked_in", "already_checked_in", "not_registered"


@dataclass(frozen=True)
class Counts:
    registered: int = 0
    waiting: int = 0
    cancelled: int = 0
    attended: int = 0


def counts_by_event(session, event_ids=None):
    """{event id: Counts}; every event when `event_ids` is None."""
    query = select(
        EventRegistration.event_id,
        func.sum(case((EventRegistration.status == REGISTERED, 1), else_=0)),
        func.sum(case((EventRegistration.status == WAITING, 1), else_=0)),
        func.sum(case((EventRegistration.status == CANCELLED, 1), else_=0)),
        func.sum(case((EventRegistration.checked_in_at.is_not(None), 1), else_=0)),
    ).group_by(EventRegistration.event_id)
    if event_ids is not None:
        query = query.where(EventRegistration.event_id.in_(list(event_ids)))
    return {row[0]: Counts(*(int(value or 0) for value in row[1:])) for row in session.execute(query)}


@dataclass(frozen=True)
class DoorRow:
    registration_id: int
    name: str
    masked_phone: str  # +254712***678: enough to ask "is this you?", not to call anyone
    status: str
    checked_in_at: object


def search(session, event_id, query):
    """Registrations of the event matching `query`: three digits match a number's end, anything
    else a name (in part, any case). Registered before waiting, then by name."""
    query = (query or "").strip()
    conditions = [EventRegistration.event_id == event_id, EventRegistration.status.in_((REGISTERED, WAITING))]
    if query.isdigit() and len(query) == 3:
        conditions.append(EventRegistration.phone.endswith(query))
    elif query:
        conditions.append(func.lower(EventRegistration.name).contains(query.lower(), autoescape=True))
    rows = session.execute(
        select(EventRegistration.id, EventRegistration.name, EventRegistration.phone, EventRegistration.status,
               EventRegistration.checked_in_at)
        .where(*conditions)
        .order_by(case((EventRegistration.status == REGISTERED, 0), else_=1), EventRegistration.name,
                  EventRegistration.id)
        .limit(SEARCH_LIMIT)).all()
    return [DoorRow(row.id, row.name or "", mask_msisdn(row.phone), row.status, row.checked_in_at) for row in rows]


def check_in(session, event_id, registration_id, actor, now):
    """Mark a registered person present, once (a second tap changes nothing)."""
    marked = session.execute(
        update(EventRegistration)
        .where(EventRegistration.id == registration_id, EventRegistration.event_id == event_id,
               EventRegistration.status == REGISTERED, EventRegistration.checked_in_at.is_(None))
        .values(checked_in_at=now, checked_in_by=actor[:64])
        .execution_options(synchronize_session=False)).rowcount
    if marked:
        return CHECKED_IN
    registration = session.get(EventRegistration, registration_id)
    if registration is not None and registration.event_id == event_id and registration.checked_in_at is not None:
        return ALREADY_CHECKED_IN
    return NOT_REGISTERED


EXPORT_HEADER = ["event", "name", "phone", "status", "channel", "registered", "place_in_line", "checked_in"]


def export_rows(session, event_id, test_prefix):
    """One row per registration of the event, in the order they came (the simulator's numbers left out)."""
    code = session.scalar(select(Event.code).where(Event.id == event_id))
    rows = session.execute(
        select(EventRegistration).where(EventRegistration.event_id == event_id,
                                        not_a_test_number(EventRegistration.phone, test_prefix))
        .order_by(EventRegistration.line, EventRegistration.id)).scalars()
    for row in rows:
        yield (code, row.name or "", row.phone, row.status, row.channel, show_local(row.queued_at), row.line,
               show_local(row.checked_in_at) if row.checked_in_at else "")
