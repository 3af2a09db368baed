"""Africa's Talking's SMS callbacks: inbound messages, delivery reports, bulk opt-outs.

Inbound messages are stored before anything else and handled by a worker, so the callback answers
fast and a message survives a crash. When the database cannot store it we answer 503, so that AT
tries again, rather than 200 and a lost message.
"""

import logging

from flask import Blueprint, Response, current_app, request
from sqlalchemy.exc import IntegrityError, SQLAlchemyError
from werkzeug.exceptions import RequestEntityTooLarge

from sms_service.campaigns.suppression import suppress
from sms_service.models import InboundMessage, utcnow
from sms_service.phone_numbers import mask_msisdn
from sms_service.sms.at_statuses import DELIVERY_STATES
from sms_service.sms.outbox import record_delivery_report
from sms_service.webhook_guard import BadCallback, phone_field, required_fields, token_is_valid

log = logging.getLogger(__name__)
blueprint = Blueprint("sms", __name__, url_prefix="/sms")

INBOUND_JOB = "workers.sms_jobs.handle_inbound_sms"


def _plain(body, status=200):
    return Response(body + "\n", status=status, mimetype="text/plain")


@blueprint.before_request
def _check_token():
    if not token_is_valid():
        return _plain("forbidden: missing or wrong token", 403)
    return None


@blueprint.errorhandler(BadCallback)
def _bad_callback(error):
    log.warning("refused SMS callback %s: %s", request.path, error)
    return _plain(f"bad request: {error}", 400)


@blueprint.errorhandler(RequestEntityTooLarge)
def _too_large(error):
    log.warning("refused SMS callback %s: body over %s bytes", request.path, current_app.config["MAX_CONTENT_LENGTH"])
    return _plain("too large: AT's callbacks are a few hundred bytes", 413)


@blueprint.errorhandler(SQLAlchemyError)
def _database_down(error):
    log.error("database error on %s: %s", request.path, error)
    return _plain("unavailable: database error, try again", 503)


@blueprint.post("/inbound")
def inbound_message():
    fields = required_fields(request.form, ("from", "to", "text", "date", "id"), allow_empty=("text", "date"))
    phone = phone_field(request.form, "from")
    database = current_app.extensions["database"]
    try:
        with database.transaction() as session:
            message = InboundMessage(
                at_id=fields["id"], phone=phone, shortcode=fields["to"], text=fields["text"],
                link_id=request.form.get("linkId") or None,
                network_code=request.form.get("networkCode") or None,
                sent_at=fields["date"][:40] or None, received_at=utcnow(),
            )
            session.add(message)
        message_id = message.id
    except IntegrityError:
        return _plain("ok: already received")  # AT retried a message we stored: handled once
    try:
        current_app.extensions["queue"].enqueue(
            INBOUND_JOB, message_id, job_id=f"inbound-{message_id}", retry=None
        )
    except Exception:  # stored, so not lost: `flask sms handle-pending` picks it up
        log.exception("could not queue inbound SMS %s from %s", message_id, mask_msisdn(phone))
    return _plain("ok")


@blueprint.post("/delivery-reports")
def delivery_report():
    fields = required_fields(request.form, ("id", "status"))
    if fields["status"] not in DELIVERY_STATES:
        known = ", ".join(DELIVERY_STATES)
        raise BadCallback(f"unknown status {fields['status']!r} (known: {known})")
    matched = record_delivery_report(
        current_app.extensions["database"], current_app.extensions["redis"],
        fields["id"], fields["status"], request.form.get("failureReason", "")[:64],
    )
    return _plain("ok" if matched else "ok: no pending message with that id yet")


@blueprint.post("/opt-out")
def opt_out():
    required_fields(request.form, ("phoneNumber",))
    phone = phone_field(request.form, "phoneNumber")
    book = current_app.extensions["flow_book"]
    with current_app.extensions["database"].write_transaction() as session:
        suppress(session, phone, "at_opt_out", book.default_language)
    return _plain("ok")
