"""Charts over time: every campaign together (/console/charts) and one page per campaign
(/console/campaigns/<topic>), over a range of Nairobi days, each chart with its table and a CSV.
The figures are the workers' daily counts (domain/figures/), never the message tables."""

from datetime import timedelta

from flask import abort, current_app, g, render_template, request

from sms_service.core.clock import ScheduleError, parse_day, show_local
from sms_service.domain import audit
from sms_service.domain.figures.attribution import ALL
from sms_service.domain.figures.reading import MAX_DAYS, RangeError, checked_range, days_of, last_computed, read_figures
from sms_service.domain.figures.rollup import METRICS, nairobi_day
from sms_service.web.console.blueprint import blueprint
from sms_service.web.console.csv_export import small_csv_response
from sms_service.web.console.dashboard import names_for_staff
from sms_service.web.console.figure_charts import Figures, build_charts, build_totals
from sms_service.web.console.line_charts import format_number
from sms_service.web.console.roles import requires

DEFAULT_DAYS = 30


def chosen_range():
    """(first, last) Nairobi days from ?from= and ?to= (the last DEFAULT_DAYS days by default); a
    400 with the reason for a date that cannot be read or is out of range (core/clock.py parse_day),
    or a range too long."""
    today = nairobi_day(current_app.services.clock.now())
    try:
        last = parse_day(request.args["to"]) if request.args.get("to") else today
        first = parse_day(request.args["from"]) if request.args.get("from") else last - timedelta(days=DEFAULT_DAYS - 1)
        return checked_range(first, last)
    except (ScheduleError, RangeError) as error:
        abort(400, f"{error}. Choose dates like 2026-12-01, at most {MAX_DAYS} days apart.")


def _topic_names():
    return names_for_staff(current_app.services.flow_book.topics)


def _figures(campaign, first, last):
    with current_app.services.database.transaction() as session:
        found = read_figures(session, campaign, METRICS, first, last)
        computed = last_computed(session)
    return Figures(campaign, days_of(first, last), found, _topic_names()), computed


def _known_campaign(topic):
    if topic != ALL and topic not in current_app.services.flow_book.topics:
        abort(404, f"No campaign {topic!r}.")


def _page(campaign, title):
    first, last = chosen_range()
    figures, computed = _figures(campaign, first, last)
    return render_template("console/figures.html", title=title, campaign=campaign, first=first, last=last,
                           charts=build_charts(figures), totals=build_totals(figures), campaigns=_topic_names(),
                           computed=show_local(computed) if computed else None, format_number=format_number)


def _csv_number(value):
    """A figure as a CSV cell: 3 not 3.0, empty where there is none (a rate of a day without reports)."""
    if value is None:
        return ""
    return int(value) if float(value).is_integer() else round(value, 2)


@blueprint.get("/charts")
@requires("viewer")
def charts():
    return _page(ALL, "Charts over time")


@blueprint.get("/campaigns/<topic>")
@requires("viewer")
def campaign(topic):
    _known_campaign(topic)
    return _page(topic, _topic_names()[topic])


@blueprint.get("/charts/<campaign>/<chart>.csv")
@requires("viewer")
def chart_csv(campaign, chart):
    """One chart's figures as CSV: a row per day (or per reason), a column per line."""
    _known_campaign(campaign)
    first, last = chosen_range()
    figures, _ = _figures(campaign, first, last)
    found = [one for one in build_charts(figures) if one.slug == chart]
    if not found:
        abort(404, f"No chart {chart!r}.")
    shown = found[0]
    header = ["day", *(series.name for series in shown.series)] if shown.kind == "line" else ["reason", "messages"]
    with current_app.services.database.transaction() as session:
        audit.record(session, g.staff.username, "figures.export", f"{campaign} {chart}", first=first.isoformat(),
                     last=last.isoformat())
    rows = [[row[0], *(_csv_number(value) for value in row[1:])] for row in shown.rows()]
    return small_csv_response(f"{campaign}-{chart}-{first}-{last}.csv", header, rows)
