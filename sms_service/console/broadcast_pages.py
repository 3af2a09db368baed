"""Broadcasts: the list, the composer (preview, then confirm), a broadcast's progress, and
pause, resume, cancel and resend. The same service functions as `flask broadcasts ...`."""

from datetime import time

from flask import abort, current_app, flash, g, jsonify, redirect, render_template, request, url_for
from sqlalchemy import select

from sms_service.broadcasts import controls, service
from sms_service.broadcasts.audience import preview
from sms_service.broadcasts.schedule import ScheduleError, schedule_summary, show_local
from sms_service.console.blueprint import blueprint
from sms_service.console.broadcast_form import empty_values, read_composer
from sms_service.console.dashboard import LANGUAGE_NAMES, english_names
from sms_service.console.guard import accepts_upload
from sms_service.console.paging import page_of
from sms_service.console.roles import requires
from sms_service.kenya import COUNTIES
from sms_service.models import Broadcast, utcnow
from sms_service.sms.encoding import character_names, describe_text

PAGE_SIZE = 50
# The bar's parts, in order; what is not in them (queued, sending, retry) is still to go.
PROGRESS_PARTS = ("delivered", "sent", "failed", "uncertain", "cancelled")
STATUS_ORDER = ("queued", "sending", "sent", "delivered", "failed", "retry", "uncertain", "cancelled")
STILL_MOVING = ("scheduled", "running", "recurring")


def _stores():
    return current_app.extensions["database"], current_app.extensions["broadcasts"]


@blueprint.get("/broadcasts")
@requires("viewer")
def broadcasts():
    with current_app.extensions["database"].transaction() as session:
        page = page_of(session, select(Broadcast).order_by(Broadcast.id.desc()), PAGE_SIZE)
    return render_template("console/broadcasts.html", page=page, show_local=show_local)


def window_text(window):
    closes = "24:00" if window.closes == time.max else f"{window.closes:%H:%M}"
    return f"{window.opens:%H:%M}-{closes}"


def _composer_page(values, status=200, **extra):
    book = current_app.extensions["flow_book"]
    window = current_app.extensions["broadcasts"].settings.send_window
    return render_template(
        "console/compose.html", values=values, topics=english_names(book.topics), languages=book.languages,
        language_names=LANGUAGE_NAMES, counties=COUNTIES, window_text=window_text(window), **extra,
    ), status


@blueprint.get("/broadcasts/new")
@requires("editor")
def compose():
    return _composer_page(empty_values(current_app.extensions["flow_book"].languages))


@blueprint.post("/broadcasts/new")
@requires("editor")
@accepts_upload
def compose_submit():
    """step=preview shows recipients, segments, cost and schedule and saves nothing;
    step=confirm saves the broadcast and starts it (or leaves it for its time)."""
    database, runtime = _stores()
    book = current_app.extensions["flow_book"]
    composer = read_composer(request.form, request.files, current_app.extensions["redis"], book.languages)
    page = dict(composer=composer)
    if composer.errors:
        return _composer_page(composer.values, 400, **page)
    confirmed = request.form.get("step") == "confirm"
    with database.write_transaction() as session:
        try:
            broadcast = service.create_broadcast(session, book, created_by=g.staff.username,
                                                 **composer.fields(composer.send_at()))
        except (service.BroadcastError, ScheduleError) as error:
            session.rollback()
            composer.errors.append(str(error))
            return _composer_page(composer.values, 400, **page)
        summary = preview(session, broadcast, runtime.settings.cost_per_segment)
        if not confirmed:
            sends, quiet_hours = schedule_summary(broadcast, runtime.settings.send_window, utcnow())
            session.rollback()
            return _composer_page(composer.values, preview=summary, sends=sends, quiet_hours=quiet_hours, **page)
        sends, quiet_hours = controls.record_creation(session, broadcast, summary, runtime.settings, g.staff.username)
        broadcast_id = broadcast.id
    runtime.dispatch.tick_now(force=True)  # a worker starts it if it is due; the tick catches later ones
    flash(f"Broadcast {broadcast_id} saved: sends {sends}." + (f" Quiet hours: {quiet_hours}." if quiet_hours else ""))
    return redirect(url_for("console.broadcast", broadcast_id=broadcast_id))


@blueprint.post("/broadcasts/describe")
@requires("editor")
def describe():
    """The live counter: encoding, segments and what forces UCS-2, from the one definition of GSM-7."""
    text = request.form.get("text", "")[:1600]
    report = describe_text(text)
    return jsonify(encoding=report.encoding, length=report.length, segments=report.segments,
                   forcing_ucs2=character_names(report.forcing_ucs2), gsm7_suggestion=report.gsm7_suggestion)


def _progress(session, broadcast_id):
    try:
        return service.progress(session, broadcast_id)
    except service.BroadcastError:
        abort(404, f"There is no broadcast {broadcast_id}.")


def progress_figures(report):
    total = report.total
    return {
        "status": report.broadcast.status,
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
    with database.transaction() as session:
        report = _progress(session, broadcast_id)
        item = report.broadcast
        audience_now = preview(session, item, runtime.settings.cost_per_segment) if not item.planned_at else None
        occurrences = session.scalars(
            select(Broadcast).where(Broadcast.parent_id == broadcast_id).order_by(Broadcast.id.desc()).limit(20)
        ).all()
    sends, quiet_hours = schedule_summary(item, runtime.settings.send_window, utcnow())
    return render_template("console/broadcast.html", item=item, figures=progress_figures(report),
                           audience_now=audience_now, occurrences=occurrences, sends=sends, quiet_hours=quiet_hours,
                           show_local=show_local, status_order=STATUS_ORDER, parts=PROGRESS_PARTS)


@blueprint.get("/broadcasts/<int:broadcast_id>/progress.json")
@requires("viewer")
def broadcast_progress(broadcast_id):
    with current_app.extensions["database"].transaction() as session:
        return jsonify(progress_figures(_progress(session, broadcast_id)))


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
    except service.BroadcastError as error:
        flash(f"Nothing changed: {error}.")
        return redirect(url_for("console.broadcast", broadcast_id=broadcast_id))
    flash(f"Broadcast {broadcast_id} {done}" + (f" ({outcome} messages)." if action == "resend-uncertain" else "."))
    return redirect(url_for("console.broadcast", broadcast_id=broadcast_id))
