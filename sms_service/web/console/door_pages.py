"""The door: a small page for a phone, for the `door` role (and anyone above it). Choose today's
event, search a name or a number's last three digits, tap "Check in". Numbers are masked."""

from datetime import timedelta

from flask import abort, current_app, flash, g, redirect, render_template, request, url_for
from sqlalchemy import select

from sms_service.core.clock import show_local, start_of_local_day
from sms_service.core.models import Event
from sms_service.domain import audit
from sms_service.domain.events import attendance
from sms_service.domain.events.states import SCHEDULED
from sms_service.web.console.blueprint import blueprint
from sms_service.web.console.roles import requires


def _todays_events(session, now):
    """Events running today (Nairobi), or ending later: the ones a door can be at."""
    day = start_of_local_day(now)
    return session.scalars(select(Event).where(Event.status == SCHEDULED, Event.starts_at < day + timedelta(days=1),
                                               Event.ends_at > day).order_by(Event.starts_at, Event.id)).all()


def _todays_event(session, event_id, now):
    """The event `event_id` if it is one of today's (a door is at no other: a door account must not
    list the names of past or future events' registrants); 404 otherwise."""
    day = start_of_local_day(now)
    event = session.scalar(select(Event).where(Event.id == event_id, Event.status == SCHEDULED,
                                               Event.starts_at < day + timedelta(days=1), Event.ends_at > day))
    if event is None:
        abort(404, f"There is no event {event_id} at a door today.")
    return event


@blueprint.get("/door")
@requires("door")
def door():
    with current_app.services.database.transaction() as session:
        found = _todays_events(session, current_app.services.clock.now())
    return render_template("console/door.html", events=found, event=None, rows=None, query="", show_local=show_local,
                           language=current_app.services.flow_book.default_language)


@blueprint.get("/door/<int:event_id>")
@requires("door")
def door_event(event_id):
    query = request.args.get("q", "").strip()[:64]
    with current_app.services.database.transaction() as session:
        event = _todays_event(session, event_id, current_app.services.clock.now())
        rows = attendance.search(session, event_id, query) if query else []
        counts = attendance.counts_by_event(session, [event_id]).get(event_id, attendance.Counts())
    return render_template("console/door.html", events=None, event=event, rows=rows, query=query, counts=counts,
                           show_local=show_local, language=current_app.services.flow_book.default_language)


@blueprint.post("/door/<int:event_id>/check-in/<int:registration_id>")
@requires("door")
def check_in(event_id, registration_id):
    with current_app.services.database.write_transaction() as session:
        _todays_event(session, event_id, current_app.services.clock.now())
        outcome = attendance.check_in(session, event_id, registration_id, g.staff.username,
                                      current_app.services.clock.now())
        if outcome == attendance.CHECKED_IN:
            audit.record(session, g.staff.username, "events.check_in", f"event {event_id}", registration=registration_id)
    flash({attendance.CHECKED_IN: "Checked in.", attendance.ALREADY_CHECKED_IN: "Already checked in.",
           attendance.NOT_REGISTERED: "Not checked in: this person has no place at this event."}[outcome])
    return redirect(url_for("console.door_event", event_id=event_id, q=request.form.get("q", "")), 303)
