"""Broadcasts: the list, the composer (preview, then confirm), a broadcast's progress, and
pause, resume, cancel and resend. The same service functions as `flask broadcasts ...`."""

from datetime import time

from flask import abort, current_app, flash, g, jsonify, redirect, render_template, request, url_for
from sqlalchemy import select

from sms_service.core.clock import ScheduleError, show_local
from sms_service.core.counties import COUNTIES
from sms_service.core.gsm7 import character_names, describe_text
from sms_service.core.models import Broadcast
from sms_service.domain.broadcasts import controls, lifecycle, progress, spend, staff
from sms_service.domain.broadcasts.audience import preview
from sms_service.domain.broadcasts.controls import describe_audience
from sms_service.domain.broadcasts.schedule import schedule_summary
from sms_service.domain.broadcasts.states import BroadcastStatus, controls_of, describe_state, held_reason, is_waiting
from sms_service.domain.campaigns.subscriber_import import MIN_CONSENT_BASIS
from sms_service.domain.messaging.statuses import MessageStatus
from sms_service.domain.quizzes.schools import registered_schools
from sms_service.engine.sms.intent import languages_reading_as_opt_out, reads_as_opt_out
from sms_service.web.console.blueprint import blueprint
from sms_service.web.console.broadcast_form import empty_values, read_composer
from sms_service.web.console.guard import accepts_upload
from sms_service.web.console.names import language_name, names_for_staff, topic_name
from sms_service.web.console.paging import page_of
from sms_service.web.console.roles import requires

PAGE_SIZE = 50
OPT_OUT_WARNING = ("a recipient who texts this back would be opted out of everything (it reads as STOP); "
                   "name the campaign's object, e.g. \"Stop torture\" rather than \"Stop\"")
# The bar's parts, in order; what is not in them (queued, sending, retry) is still to go.
PROGRESS_PARTS = ("delivered", "sent", "failed", "uncertain", "cancelled")
STATUS_ORDER = tuple(MessageStatus)
STILL_MOVING = (BroadcastStatus.SCHEDULED, BroadcastStatus.RUNNING, BroadcastStatus.RECURRING)


def _stores():
    return current_app.services.database, current_app.services.broadcasts


def _now():
    return current_app.services.clock.now()


@blueprint.get("/broadcasts")
@requires("viewer")
def broadcasts():
    window, now = current_app.services.broadcasts.settings.send_window, _now()
    with current_app.services.database.transaction() as session:
        page = page_of(session, select(Broadcast).order_by(Broadcast.id.desc()), PAGE_SIZE)
        # A broadcast held by quiet hours says so, with how many it will reach when the window opens.
        uncertain = progress.uncertain_counts(session, [item.id for item in page.rows])
        states = {item.id: describe_state(item, window, now, uncertain.get(item.id, 0)) for item in page.rows}
        waiting = {item.id: progress.recipients(session, progress.progress(session, item.id))
                   for item in page.rows if is_waiting(item, window, now)}
    return render_template("console/broadcasts.html", page=page, show_local=show_local, states=states,
                           waiting=waiting)


def window_text(window):
    closes = "24:00" if window.closes == time.max else f"{window.closes:%H:%M}"
    return f"{window.opens:%H:%M}-{closes}"


def _composer_page(values, status=200, **extra):
    book = current_app.services.flow_book
    window = current_app.services.broadcasts.settings.send_window
    quizzes = {code: quiz.name.get(book.default_language, code) for code, quiz in
               (book.quizzes.quizzes if book.quizzes else {}).items()}
    with current_app.services.database.transaction() as session:
        schools = registered_schools(session)
    return render_template(
        "console/compose.html", values=values, topics=names_for_staff(book.topics), languages=book.languages,
        language_names=book.language_names, counties=COUNTIES, window_text=window_text(window), quizzes=quizzes,
        schools=schools, min_consent_basis=MIN_CONSENT_BASIS, **extra,
    ), status


@blueprint.get("/broadcasts/new")
@requires("editor")
def compose():
    return _composer_page(empty_values(current_app.services.flow_book.languages))


@blueprint.post("/broadcasts/new")
@requires("editor")
@accepts_upload
def compose_submit():
    """step=preview shows recipients, segments, cost and schedule and saves nothing;
    step=confirm saves the broadcast and starts it (or leaves it for its time)."""
    database, runtime = _stores()
    book = current_app.services.flow_book
    composer = read_composer(request.form, request.files, current_app.services.redis, book.languages)
    page = dict(composer=composer)
    if composer.errors:
        return _composer_page(composer.values, 400, **page)
    confirmed = request.form.get("step") == "confirm"
    with database.write_transaction() as session:
        try:
            broadcast = staff.create_broadcast(session, book, created_by=g.staff.username, now=_now(),
                                                 **composer.fields(composer.send_at()))
        except (lifecycle.BroadcastError, ScheduleError) as error:
            session.rollback()
            composer.errors.append(str(error))
            return _composer_page(composer.values, 400, **page)
        summary = preview(session, broadcast, runtime.settings)
        cost = spend.check_spend(session, summary.cost, current_app.services.account, runtime.settings.monthly_budget,
                                 _now())
        if not confirmed:
            sends, quiet_hours = schedule_summary(broadcast, runtime.settings.send_window, _now())
            texts = dict(broadcast.texts)  # a quiz push's are the quiz's opening, shown before it goes
            session.rollback()
            return _composer_page(composer.values, preview=summary, sends=sends, quiet_hours=quiet_hours, spend=cost,
                                  opt_out_texts=_texts_reading_as_opt_out(book, composer.values["texts"]),
                                  quiz_texts=texts if broadcast.quiz else None, **page)
        spend.apply_check(broadcast, cost)
        sends, quiet_hours = controls.record_creation(session, broadcast, summary, runtime.settings, g.staff.username,
                                                      _now(), cost)
        broadcast_id = broadcast.id
    if cost.held:
        flash(f"Broadcast {broadcast_id} saved but held: {cost.reason}. An admin must confirm it before it sends.")
        return redirect(url_for("console.broadcast", broadcast_id=broadcast_id))
    runtime.dispatch.tick_now(force=True)  # a worker starts it if it is due; the tick catches later ones
    flash(f"Broadcast {broadcast_id} saved: sends {sends}." + (f" Quiet hours: {quiet_hours}." if quiet_hours else ""))
    return redirect(url_for("console.broadcast", broadcast_id=broadcast_id))


@blueprint.post("/broadcasts/describe")
@requires("editor")
def describe():
    """The live counter: encoding, segments and what forces UCS-2, from the one definition of GSM-7."""
    text = request.form.get("text", "")[:1600]
    report = describe_text(text)
    opt_out = bool(text.strip()) and reads_as_opt_out(current_app.services.flow_book.sms, text)
    return jsonify(encoding=report.encoding, length=report.length, segments=report.segments,
                   forcing_ucs2=character_names(report.forcing_ucs2), gsm7_suggestion=report.gsm7_suggestion,
                   opt_out_warning=OPT_OUT_WARNING if opt_out else None)


def _texts_reading_as_opt_out(book, texts):
    return [book.language_names.get(language, language) for language in languages_reading_as_opt_out(book.sms, texts)]


def _progress(session, broadcast_id):
    try:
        return progress.progress(session, broadcast_id)
    except lifecycle.BroadcastError:
        abort(404, f"There is no broadcast {broadcast_id}.")


def progress_figures(session, report, window, now):
    """What the page shows and its script refreshes: the state staff read ("waiting for the send
    window (opens 08:00 EAT)" for a broadcast held by quiet hours), how many it reaches, and the
    messages by status."""
    total, broadcast = report.total, report.broadcast
    return {
        "status": broadcast.status,
        "state": describe_state(broadcast, window, now, report.counts.get(MessageStatus.UNCERTAIN, 0)),
        "recipients": progress.recipients(session, report),
        "started": show_local(broadcast.started_at) if broadcast.started_at else None,
        "controls": list(controls_of(broadcast)),
        "held": held_reason(broadcast),
        "total": total,
        "counts": {status: report.counts.get(status, 0) for status in STATUS_ORDER},
        "parts": {part: round(100 * report.counts.get(part, 0) / total, 2) if total else 0 for part in PROGRESS_PARTS},
        "done": round(100 * report.count(*PROGRESS_PARTS) / total, 1) if total else 0,
        "moving": report.broadcast.status in STILL_MOVING,
    }


@blueprint.get("/broadcasts/<int:broadcast_id>")
@requires("viewer")
def broadcast(broadcast_id):
    database, runtime = _stores()
    window, now = runtime.settings.send_window, _now()
    with database.transaction() as session:
        report = _progress(session, broadcast_id)
        item = report.broadcast
        audience_now = preview(session, item, runtime.settings) if not item.planned_at else None
        occurrences = session.scalars(
            select(Broadcast).where(Broadcast.parent_id == broadcast_id).order_by(Broadcast.id.desc()).limit(20)
        ).all()
        figures = progress_figures(session, report, window, now)
    sends, quiet_hours = schedule_summary(item, window, now)
    return render_template("console/broadcast.html", item=item, figures=figures, audience=describe_audience(item, topic_name, language_name),
                           audience_now=audience_now, occurrences=occurrences, sends=sends, quiet_hours=quiet_hours,
                           show_local=show_local, status_order=STATUS_ORDER, parts=PROGRESS_PARTS)


@blueprint.get("/broadcasts/<int:broadcast_id>/progress.json")
@requires("viewer")
def broadcast_progress(broadcast_id):
    window = current_app.services.broadcasts.settings.send_window
    with current_app.services.database.transaction() as session:
        return jsonify(progress_figures(session, _progress(session, broadcast_id), window, _now()))


CONTROLS = {
    "pause": (controls.pause_broadcast, "paused"),
    "resume": (controls.resume_broadcast, "resumed"),
    "cancel": (controls.cancel_broadcast, "cancelled"),
    "resend-uncertain": (controls.resend_uncertain, "queued its uncertain messages again"),
}


@blueprint.post("/broadcasts/<int:broadcast_id>/<any(pause, resume, cancel, 'resend-uncertain'):action>")
@requires("editor")
def control_broadcast(broadcast_id, action):
    database, runtime = _stores()
    control, done = CONTROLS[action]
    try:
        outcome = control(database, runtime, broadcast_id, g.staff.username)
    except lifecycle.BroadcastError as error:
        flash(f"Nothing changed: {error}.")
        return redirect(url_for("console.broadcast", broadcast_id=broadcast_id))
    flash(f"Broadcast {broadcast_id} {done}" + (f" ({outcome} messages)." if action == "resend-uncertain" else "."))
    return redirect(url_for("console.broadcast", broadcast_id=broadcast_id))


@blueprint.post("/broadcasts/<int:broadcast_id>/confirm-cost")
@requires("admin")
def confirm_cost(broadcast_id):
    """An admin lets a broadcast the spend guard held go on (audited, with the reason it was held)."""
    try:
        status = controls.confirm_cost(*_stores(), broadcast_id, g.staff.username)
    except lifecycle.BroadcastError as error:
        flash(f"Nothing changed: {error}.")
        return redirect(url_for("console.broadcast", broadcast_id=broadcast_id))
    flash(f"Broadcast {broadcast_id} confirmed despite its cost: {status}.")
    return redirect(url_for("console.broadcast", broadcast_id=broadcast_id))
