"""Events for tests, made the way staff make them (domain/events/catalogue.py)."""

from sqlalchemy import select

from sms_service.core.clock import ManualClock, parse_local_time
from sms_service.core.models import EventRegistration, OutboundMessage
from sms_service.domain.events.catalogue import EventDetails, create_event


def make_event(app, code="F12", starts="2026-12-03 10:00", ends="2026-12-03 13:00", capacity=50, county="Nairobi",
               venue="Moi Girls Hall", title_en="Forum on consent", title_sw="Jukwaa la ridhaa", kind="forum",
               audience="public"):
    # Events have dates: on the wall clock a test of one passes only until its date goes by.
    assert isinstance(app.services.clock, ManualClock), "an app with events needs a ManualClock (live_app(clock=...))"
    details = EventDetails(code=code, kind=kind, titles={"en": title_en, "sw": title_sw}, campaign="sexual_violence",
                           venue=venue, county=county, starts_at=parse_local_time(starts),
                           ends_at=parse_local_time(ends), capacity=capacity, audience=audience)
    with app.services.database.write_transaction() as session:
        return create_event(session, app.services.flow_book, details, "eddie", app.services.clock.now()).id


def registrations(app, event_id):
    """(phone, status, name) of every registration of the event, in the order they came."""
    with app.services.database.transaction() as session:
        rows = session.execute(select(EventRegistration.phone, EventRegistration.status, EventRegistration.name)
                               .where(EventRegistration.event_id == event_id)
                               .order_by(EventRegistration.id)).all()
    return [tuple(row) for row in rows]


def sent(app, purpose):
    """(phone, text) of every message of `purpose`, in the order they were written."""
    with app.services.database.transaction() as session:
        rows = session.execute(select(OutboundMessage.phone, OutboundMessage.text)
                               .where(OutboundMessage.purpose == purpose).order_by(OutboundMessage.id)).all()
    return [tuple(row) for row in rows]
