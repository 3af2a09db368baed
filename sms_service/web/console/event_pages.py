"""Events: the list with places taken, waiting and attended; create, edit and cancel (editors);
one event's registrations and their CSV export (editors, audited). People register by SMS and
USSD (domain/events/); the door checks them in (door_pages.py)."""

from flask import abort, current_app, flash, g, redirect, render_template, request, url_for
from sqlalchemy import select

from sms_service.core.clock import NAIROBI, ScheduleError, as_utc, parse_local_time, show_local
from sms_service.core.counties import COUNTIES
from sms_service.core.models import Event
from sms_service.domain import audit
from sms_service.domain.events import attendance, catalogue
from sms_service.domain.events.catalogue import EventDetails, EventError
from sms_service.web.console.blueprint import blueprint
from sms_service.web.console.csv_export import csv_response
from sms_service.web.console.roles import requires


def _form_details(form, code):
    """EventDetails from the form; EventError with the reason for anything unreadable."""
    book = current_app.services.flow_book
    try:
        starts, ends = parse_local_time(form.get("starts", "")), parse_local_time(form.get("ends", ""))
    except ScheduleError as error:
        raise EventError(str(error)) from None
    try:
        capacity = int(form.get("capacity", ""))
    except ValueError:
        raise EventError("the capacity is a whole number of places") from None
    county = form.get("county", "")
    if county not in COUNTIES:
        raise EventError("choose one of Kenya's 47 counties")
    return EventDetails(code=code, kind=form.get("kind", ""),
                        titles={language: form.get(f"title_{language}", "").strip() for language in book.languages},
                        campaign=form.get("campaign") or None, venue=form.get("venue", ""), county=county,
                        starts_at=starts, ends_at=ends, capacity=capacity, audience=form.get("audience", ""))


def _local_input(moment):
    return as_utc(moment).astimezone(NAIROBI).strftime("%Y-%m-%d %H:%M")


def _form_page(event_values, status=200, error=None, event=None):
    book = current_app.services.flow_book
    if error:
        flash(f"Not saved: {error}.")
    return render_template("console/event_form.html", values=event_values, event=event, kinds=catalogue.KINDS,
                           audiences=catalogue.AUDIENCES, max_capacity=catalogue.CAPACITY_MAX, counties=COUNTIES,
                           languages=book.language_names,
                           topics={code: names.get(book.default_language, code) for code, names in book.topics.items()}), status


def _values_of(event):
    values = {"code": event.code, "kind": event.kind, "campaign": event.campaign or "", "venue": event.venue,
              "county": event.county, "starts": _local_input(event.starts_at), "ends": _local_input(event.ends_at),
              "capacity": event.capacity, "audience": event.audience}
    values.update({f"title_{language}": title for language, title in event.titles.items()})
    return values


def _event_or_404(session, event_id):
    event = session.get(Event, event_id)
    if event is None:
        abort(404, f"There is no event {event_id}.")
    return event


@blueprint.get("/events")
@requires("viewer")
def events():
    with current_app.services.database.transaction() as session:
        found = session.scalars(select(Event).order_by(Event.starts_at.desc(), Event.id.desc()).limit(200)).all()
        counts = attendance.counts_by_event(session, [event.id for event in found])
    language = current_app.services.flow_book.default_language
    return render_template("console/events.html", events=found, counts=counts, empty=attendance.Counts(),
                           show_local=show_local, language=language)


@blueprint.route("/events/new", methods=["GET", "POST"])
@requires("editor")
def new_event():
    database = current_app.services.database
    if request.method == "GET":
        with database.transaction() as session:
            return _form_page({"code": catalogue.suggested_code(session), "capacity": 100, "kind": "forum",
                               "audience": "public"})
    try:
        details = _form_details(request.form, request.form.get("code", ""))
        with database.write_transaction() as session:
            event = catalogue.create_event(session, current_app.services.flow_book, details, g.staff.username,
                                           current_app.services.clock.now())
            audit.record(session, g.staff.username, "events.create", f"event {event.code}", starts=show_local(event.starts_at))
            event_id, code = event.id, event.code
    except EventError as error:
        return _form_page(request.form, 400, error)
    flash(f"Event {code} created: people register with EVENT {code} and their name.")
    return redirect(url_for("console.event", event_id=event_id))


@blueprint.route("/events/<int:event_id>/edit", methods=["GET", "POST"])
@requires("editor")
def edit_event(event_id):
    database = current_app.services.database
    with database.transaction() as session:
        event = _event_or_404(session, event_id)
        values = _values_of(event)
    if request.method == "GET":
        return _form_page(values, event=event)
    try:
        details = _form_details(request.form, event.code)
        with database.write_transaction() as session:
            changed, tell = catalogue.update_event(session, current_app.services.flow_book, event_id, details,
                                                   current_app.services.clock.now())
            audit.record(session, g.staff.username, "events.edit", f"event {changed.code}", told_people=tell)
    except EventError as error:
        return _form_page(dict(request.form, code=event.code), 400, error, event=event)
    flash("Saved." + (" Everyone registered or waiting gets an SMS about the new time or venue." if tell else ""))
    return redirect(url_for("console.event", event_id=event_id))


@blueprint.post("/events/<int:event_id>/cancel")
@requires("editor")
def cancel_event(event_id):
    try:
        with current_app.services.database.write_transaction() as session:
            _event_or_404(session, event_id)
            event = catalogue.cancel_event(session, event_id, current_app.services.clock.now())
            audit.record(session, g.staff.username, "events.cancel", f"event {event.code}")
    except EventError as error:
        flash(f"Not cancelled: {error}.")
        return redirect(url_for("console.event", event_id=event_id)), 400
    flash("Cancelled. Everyone registered or waiting gets an SMS.")
    return redirect(url_for("console.event", event_id=event_id))


@blueprint.get("/events/<int:event_id>")
@requires("viewer")
def event(event_id):
    """One event. Its registrations (names, masked numbers) are shown to editors, and audited."""
    database = current_app.services.database
    show_people = g.staff.role in ("editor", "admin")
    with database.transaction() as session:
        found = _event_or_404(session, event_id)
        counts = attendance.counts_by_event(session, [event_id]).get(event_id, attendance.Counts())
        people = attendance.search(session, event_id, "") if show_people else []
    if show_people:
        with database.transaction() as session:
            audit.record(session, g.staff.username, "events.view_registrations", f"event {found.code}")
    return render_template("console/event.html", event=found, counts=counts, people=people, show_people=show_people,
                           show_local=show_local, language=current_app.services.flow_book.default_language)


@blueprint.get("/events/<int:event_id>/export.csv")
@requires("editor")
def export_event(event_id):
    database = current_app.services.database
    with database.transaction() as session:
        found = _event_or_404(session, event_id)
        code = found.code
        audit.record(session, g.staff.username, "events.export", f"event {code}")

    def rows():
        with database.transaction() as session:
            yield from attendance.export_rows(session, event_id, current_app.config["SIMULATOR_PREFIX"])

    return csv_response(f"event-{code}.csv", attendance.EXPORT_HEADER, rows())
