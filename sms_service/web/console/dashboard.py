"""The dashboard: conversations that need a human and urgent ones, who is subscribed (by topic,
language, county), messages today, delivery rate, petition signatures (per petition, by channel,
by country), the AT balance and this month's broadcast spend, and the broadcasts waiting for staff
(stopped by the gateway, held for cost)."""

from flask import current_app, render_template

from sms_service.domain.broadcasts import spend
from sms_service.domain.conversations.inbox import inbox_counts
from sms_service.web.console import statistics
from sms_service.web.console.blueprint import blueprint
from sms_service.web.console.names import names_for_staff
from sms_service.web.console.roles import requires


@blueprint.get("/dashboard")
@requires("viewer")
def dashboard():
    book, test_prefix = current_app.services.flow_book, current_app.config["SIMULATOR_PREFIX"]
    with current_app.services.database.transaction() as session:
        by_channel, by_country = statistics.petition_breakdown(session, None, book.default_language, test_prefix)
        figures = dict(
            totals=statistics.totals(session, current_app.services.clock.now(), test_prefix),
            by_topic=statistics.subscribers_by_topic(session, names_for_staff(book.topics), test_prefix),
            by_language=statistics.subscribers_by_language(session, book.language_names, test_prefix),
            by_county=statistics.subscribers_by_county(session, test_prefix),
            petitions=statistics.petition_counts(session, names_for_staff(book.petitions), test_prefix),
            signatures_by_channel=by_channel, signatures_by_country=by_country,
            attendance=statistics.event_attendance(session, book.default_language),
            conversations=inbox_counts(session),
            attention=spend.waiting_for_staff(session),
            spent_this_month=spend.spent_this_month(session, current_app.services.clock.now()),
        )
    figures["balance"], figures["balance_problem"] = spend.read_balance(current_app.services.account)
    figures["budget"] = current_app.services.broadcasts.settings.monthly_budget
    return render_template("console/dashboard.html", **figures)
