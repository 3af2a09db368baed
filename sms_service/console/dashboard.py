"""The dashboard: who is subscribed (by topic, language, county), messages today, delivery rate,
petition signatures."""

from flask import current_app, render_template

from sms_service.console import statistics
from sms_service.console.blueprint import blueprint
from sms_service.console.roles import requires

LANGUAGE_NAMES = {"en": "English", "sw": "Kiswahili"}


def english_names(catalogue):
    """{code: English name} of a flow catalogue section (topics, petitions)."""
    return {code: names.get("en", code) for code, names in catalogue.items()}


@blueprint.get("/dashboard")
@requires("viewer")
def dashboard():
    book = current_app.extensions["flow_book"]
    with current_app.extensions["database"].transaction() as session:
        figures = dict(
            totals=statistics.totals(session, statistics.utc_now()),
            by_topic=statistics.subscribers_by_topic(session, english_names(book.topics)),
            by_language=statistics.subscribers_by_language(session, LANGUAGE_NAMES),
            by_county=statistics.subscribers_by_county(session),
            petitions=statistics.petition_counts(session, english_names(book.petitions)),
        )
    return render_template("console/dashboard.html", **figures)
