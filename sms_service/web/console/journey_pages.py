"""USSD journeys: where callers go in the menu and where they give up, from stored journeys
(domain/ussd_journeys/report.py), filtered by a bounded range of Nairobi days, network and
language. Figures only: no number, pseudonym or typed answer is shown."""

from flask import abort, current_app, render_template, request

from sms_service.channels.africastalking.ussd_events import NETWORK_NAMES
from sms_service.core.clock import NAIROBI, show_local
from sms_service.domain.ussd_journeys.report import MAX_DAYS, BadRange, Filters, journey_report
from sms_service.engine.ussd.journey_definitions import journeys
from sms_service.web.console.blueprint import blueprint
from sms_service.web.console.line_charts import Series, format_number, line_chart
from sms_service.web.console.roles import requires


@blueprint.get("/ussd-journeys")
@requires("viewer")
def ussd_journeys():
    services = current_app.services
    book = services.flow_book
    today = services.clock.now().astimezone(NAIROBI).date()
    args = request.args
    try:
        filters = Filters.parse(args.get("from", ""), args.get("to", ""), args.get("network", ""),
                                args.get("language", ""), today=today)
    except BadRange as error:
        abort(400, f"{error} (e.g. from 2026-11-01 to 2026-11-30)")
    if filters.language and filters.language not in book.languages:
        abort(400, f"There is no language {filters.language!r}.")
    with services.database.transaction() as session:
        report = journey_report(session, journeys(book), filters)
    # The same SVG line charts as the Charts page (web/console/line_charts.py), with the table behind it.
    chart = line_chart("USSD sessions per day (Nairobi days)", "ussd-sessions", [day.isoformat() for day, _ in report.per_day],
                       [Series("sessions", tuple(count for _, count in report.per_day))], unit="sessions")
    return render_template(
        "console/ussd_journeys.html", report=report, chart=chart, max_days=MAX_DAYS,
        languages=[(code, book.language_names.get(code, code)) for code in book.languages],
        network_names=NETWORK_NAMES, show_local=show_local, format_number=format_number,
    )
