"""The Flask side of Africa's Talking's SMS callbacks: inbound messages, delivery reports, bulk
opt-outs. The channel (channels/africastalking/) reads each form into a plain value; this edge
checks the token, stores or applies it, and answers.

Inbound messages are stored before anything else and handled by a worker, so the callback answers
fast and a message survives a crash. When the database cannot store it we answer 503, so that AT
tries again, rather than 200 and a lost message. A STOP is applied in the very transaction that
stores it: no lost queue, dead worker or Redis outage can let a later broadcast reach that number.
A message stored but never queued is queued again by the workers' clock (messaging/recovery.py).
"""

import logging

from flask import Blueprint, Response, current_app, request
from sqlalchemy.exc import IntegrityError, SQLAlchemyError
from werkzeug.exceptions import RequestEntityTooLarge

from sms_service.channels.africastalking import sms as at_sms
from sms_service.channels.africastalking.guard import FORBIDDEN, TOO_LARGE, BadCallback, token_matches
from sms_service.core.models import InboundMessage
from sms_service.core.phone_numbers import mask_msisdn
from sms_service.domain.messaging.delivery_reports import EarlyReportsFull, record_delivery_report
from sms_service.domain.messaging.inbound import NOT_A_PHONE, queue_inbound
from sms_service.domain.messaging.outbox import queue_send
from sms_service.engine import actions
from sms_service.engine.sms.router import handle_inbound, is_stop
from sms_service.web.callback_form import callback_form

log = logging.getLogger(__name__)
blueprint = Blueprint("sms", __name__, url_prefix="/sms")


def _plain(body, status=200):
    return Response(body + "\n", status=status, mimetype="text/plain")


@blueprint.before_request
def _check_token():
    if not token_matches(current_app.config["WEBHOOK_TOKEN"], request.args.get("token", "")):
        return _plain(FORBIDDEN, 403)
    return None


@blueprint.errorhandler(BadCallback)
def _bad_callback(error):
    log.warning("refused SMS callback %s: %s", request.path, error)
    return _plain(f"bad request: {error}", 400)


@blueprint.errorhandler(RequestEntityTooLarge)
def _too_large(error):
    log.warning("refused SMS callback %s: body over %s bytes", request.path, current_app.config["MAX_CONTENT_LENGTH"])
    return _plain(TOO_LARGE, 413)


@blueprint.errorhandler(SQLAlchemyError)
def _database_down(error):
    log.error("database error on %s: %s", request.path, error)
    return _plain("unavailable: database error, try again", 503)


@blueprint.post("/inbound")
def inbound_message():
    """Store an inbound message, then queue it. One from a sender id or shortcode ("MPESA",
    "22384") is stored as handled and never answered: a reply would go nowhere, or to a machine."""
    sms = at_sms.read_inbound(callback_form())
    services = current_app.services
    book, now = services.flow_book, services.clock.now()  # a premium reply's linkId is valid for a while from now
    stop = sms.is_phone and is_stop(book, sms.text)
    replies = []
    try:
        # A STOP reads (is the number opted out?) then writes: it takes SQLite's write lock up front.
        with (services.database.write_transaction() if stop else services.database.transaction()) as session:
            message = InboundMessage(
                at_id=sms.message_id, phone=sms.sender, shortcode=sms.shortcode, text=sms.text, link_id=sms.link_id,
                network_code=sms.network_code, sent_at=sms.sent_at, received_at=now,
            )
            if not sms.is_phone:
                message.handled_at, message.outcome = now, NOT_A_PHONE
            session.add(message)
            session.flush()
            if stop:
                _, replies = handle_inbound(session, book, message, may_answer_unknown=lambda: False, now=now,
                                            phone_keys=services.phone_keys)
        message_id = message.id
    except IntegrityError:
        return _plain("ok: already received")  # AT retried a message we stored: handled once
    if not sms.is_phone:
        log.info("inbound SMS %s from sender %r stored, not answered: not a phone number", message_id, sms.sender)
        return _plain("ok: stored; the sender is not a phone number, so it is not answered")
    try:
        for reply in replies:
            queue_send(services.queues, *reply)
        if not stop:
            queue_inbound(services.queues, message_id)
    except Exception:  # stored, so not lost: the workers' clock queues it again (messaging/recovery.py)
        log.exception("could not queue inbound SMS %s from %s", message_id, mask_msisdn(sms.sender))
    return _plain("ok")


@blueprint.post("/delivery-reports")
def delivery_report():
    """A delivery report, applied or kept for its send. A status word we do not know is kept on
    the message and answered 200 (AT does not retry a 4xx): the message's state does not change."""
    report = at_sms.read_delivery_report(callback_form())
    if report.state is None:
        log.warning("delivery report for %r with an unknown status %r: kept, state unchanged",
                    report.message_id, report.raw_status)
    services = current_app.services
    try:
        matched = record_delivery_report(
            services.database, services.redis, report.message_id, report.state, report.failure_reason,
            report.raw_status, services.clock.now(),
        )
    except EarlyReportsFull as error:
        log.warning("delivery report for %r not kept: %s", report.message_id, error)
        return _plain("busy: too many delivery reports wait for their sends, try again", 503)
    if report.state is None:
        return _plain(f"ok: unknown status {report.raw_status!r} kept; the message's state is unchanged")
    return _plain("ok" if matched else "ok: no pending message with that id yet")


@blueprint.post("/opt-out")
def opt_out():
    phone = at_sms.read_opt_out(callback_form())
    book = current_app.services.flow_book
    with current_app.services.database.write_transaction() as session:
        actions.opt_out(session, phone, "at_opt_out", book.default_language, current_app.services.clock.now())
    return _plain("ok")
