"""Essay competitions: publish one (title and theme per language, deadline, how essays are
submitted), see its entrants per county and school, export them (CSV, audited: pseudonyms, never
numbers or names) and announce the results to every entrant by SMS."""

from flask import abort, current_app, flash, g, redirect, render_template, request, url_for

from sms_service.core.clock import ScheduleError, as_utc, parse_local_time, show_local
from sms_service.core.models import EssayCompetition
from sms_service.domain import audit
from sms_service.domain.messaging.outbox import queue_send
from sms_service.domain.programmes import essays
from sms_service.web.console.blueprint import blueprint
from sms_service.web.console.csv_export import csv_response
from sms_service.web.console.roles import requires


def _languages():
    return current_app.services.flow_book.languages


def _per_language(field):
    return {language: request.form.get(f"{field}_{language}", "") for language in _languages()}


@blueprint.get("/essays")
@requires("viewer")
def essay_competitions():
    with current_app.services.database.transaction() as session:
        found = essays.competitions(session)
    return render_template("console/essays.html", competitions=found, languages=_languages(), show_local=show_local,
                           form={})


@blueprint.post("/essays")
@requires("editor")
def publish_essay_competition():
    services = current_app.services
    try:
        deadline = parse_local_time(request.form.get("deadline", ""))
        with services.database.write_transaction() as session:
            competition = essays.publish(
                session, title=_per_language("title"), theme=_per_language("theme"), deadline=deadline,
                submission=request.form.get("submission", ""), submit_email=request.form.get("submit_email"),
                languages=_languages(), staff=g.staff.username, now=services.clock.now())
            audit.record(session, g.staff.username, "essays.publish", f"essay competition {competition.id}")
            competition_id = competition.id
    except (ScheduleError, essays.EssayError) as error:
        with services.database.transaction() as session:
            found = essays.competitions(session)
        return render_template("console/essays.html", competitions=found, languages=_languages(), show_local=show_local,
                               form=request.form, error=str(error)), 400
    flash(f"Essay competition {competition_id} published: students can enter now (ESSAY / INSHA, USSD home 8).")
    return redirect(url_for("console.essay_competition", competition_id=competition_id))


def _competition(session, competition_id):
    competition = session.get(EssayCompetition, competition_id)
    if competition is None:
        abort(404, f"There is no essay competition {competition_id}.")
    return competition


@blueprint.get("/essays/<int:competition_id>")
@requires("viewer")
def essay_competition(competition_id):
    with current_app.services.database.transaction() as session:
        competition = _competition(session, competition_id)
        schools = essays.entrants_by_school(session, competition_id)
    past_deadline = as_utc(competition.deadline) <= current_app.services.clock.now()
    return render_template("console/essay.html", competition=competition, schools=schools, languages=_languages(),
                           show_local=show_local, past_deadline=past_deadline)


@blueprint.post("/essays/<int:competition_id>/announce")
@requires("editor")
def announce_essay_results(competition_id):
    services = current_app.services
    try:
        with services.database.write_transaction() as session:
            message_ids = essays.announce(session, services.flow_book, competition_id, _per_language("results"),
                                          _languages(), g.staff.username, services.clock.now())
            audit.record(session, g.staff.username, "essays.announce", f"essay competition {competition_id}",
                         entrants=len(message_ids))
    except essays.EssayError as error:
        flash(f"Nothing was sent: {error}")
        return redirect(url_for("console.essay_competition", competition_id=competition_id))
    for message_id in message_ids:
        queue_send(services.queues, message_id, essays.RESULTS_PURPOSE)
    flash(f"Results announced to {len(message_ids)} entrants.")
    return redirect(url_for("console.essay_competition", competition_id=competition_id))


@blueprint.get("/essays/<int:competition_id>/export.csv")
@requires("editor")
def export_essay_entrants(competition_id):
    database, keys = current_app.services.database, current_app.services.phone_keys
    with database.transaction() as session:
        _competition(session, competition_id)
        audit.record(session, g.staff.username, "essays.export", f"essay competition {competition_id}")

    def rows():
        with database.transaction() as session:
            yield from essays.export_rows(session, competition_id, keys.pseudonym)

    return csv_response(f"essay-{competition_id}-entrants.csv", essays.EXPORT_HEADER, rows())
