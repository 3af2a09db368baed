"""Booklets for teachers: requests by county, approve a quantity (or decline), mark dispatched,
and a CSV per county for dispatch. Each step queues the teacher's SMS (domain/programmes/booklets.py)
and writes an audit entry; the CSV holds the teachers' numbers, so it is audited too."""

from flask import abort, current_app, flash, g, redirect, render_template, request, url_for

from sms_service.core.clock import show_local
from sms_service.core.counties import COUNTIES
from sms_service.domain import audit
from sms_service.domain.messaging.outbox import queue_send
from sms_service.domain.programmes import booklets
from sms_service.web.console.blueprint import blueprint
from sms_service.web.console.csv_export import csv_response
from sms_service.web.console.dashboard import names_for_staff
from sms_service.web.console.roles import requires


def _known_county(county):
    if county not in COUNTIES:
        abort(404, f"There is no county {county!r}.")


@blueprint.get("/booklets")
@requires("viewer")
def booklet_requests():
    county = request.args.get("county") or ""
    if county:
        _known_county(county)
    with current_app.services.database.transaction() as session:
        counts = booklets.counts_by_county(session)
        found = booklets.requests_in(session, county) if county else []
    return render_template("console/booklets.html", counts=counts, county=county, requests=found,
                           statuses=booklets.STATUSES, names=names_for_staff(current_app.services.flow_book.booklets),
                           show_local=show_local, max_quantity=booklets.MAX_QUANTITY)


def _step(request_id, run, action):
    services = current_app.services
    try:
        with services.database.write_transaction() as session:
            item, message_id = run(session)
            audit.record(session, g.staff.username, action, f"booklet request {request_id}",
                         county=item.county, quantity=item.approved_quantity)
            county, status = item.county, item.status
    except booklets.BookletError as error:
        flash(str(error))
        return redirect(url_for("console.booklet_requests", county=request.form.get("county", "")))
    queue_send(services.queues, message_id, booklets.PURPOSE)
    flash(f"Request {request_id} {status}; the teacher is told by SMS.")
    return redirect(url_for("console.booklet_requests", county=county))


@blueprint.post("/booklets/<int:request_id>/decide")
@requires("editor")
def decide_booklets(request_id):
    try:
        quantity = int(request.form.get("quantity", "").strip())
    except ValueError:
        abort(400, "The quantity must be a whole number (0 declines the request).")
    services = current_app.services
    return _step(request_id, lambda session: booklets.decide(session, services.flow_book, request_id, quantity,
                                                             g.staff.username, services.clock.now()),
                 "booklets.decide")


@blueprint.post("/booklets/<int:request_id>/dispatch")
@requires("editor")
def dispatch_booklets(request_id):
    services = current_app.services
    return _step(request_id, lambda session: booklets.dispatch(session, services.flow_book, request_id,
                                                               g.staff.username, services.clock.now()),
                 "booklets.dispatch")


@blueprint.get("/booklets/<county>/export.csv")
@requires("editor")
def export_booklets(county):
    _known_county(county)
    database = current_app.services.database
    with database.transaction() as session:
        audit.record(session, g.staff.username, "booklets.export", f"county {county}")
    names = names_for_staff(current_app.services.flow_book.booklets)

    def rows():
        with database.transaction() as session:
            yield from booklets.export_rows(session, county, names)

    return csv_response(f"booklets-{county}.csv", booklets.EXPORT_HEADER, rows())
