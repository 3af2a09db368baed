"""POST /ussd/events: Africa's Talking's USSD end-of-session notification, with the same guard as
`/ussd` (the token, the body's size, each field). The channel reads the form; the engine stores the
session's path and outcome once (engine/ussd/journey_closing.py). A repeat answers 200 and changes
nothing; a bad value 400 with the reason; a database error 503, so that AT tries again.

Low traffic (one request per session, not per hop): a Flask route, unlike `/ussd`.
"""

import logging

from flask import Blueprint, Response, current_app, request
from sqlalchemy.exc import SQLAlchemyError
from werkzeug.exceptions import RequestEntityTooLarge

from sms_service.channels.africastalking.guard import FORBIDDEN, TOO_LARGE, BadCallback, token_matches
from sms_service.channels.africastalking.ussd_events import read_session_end
from sms_service.web.callback_form import callback_form

log = logging.getLogger(__name__)
PATH = "/ussd/events"
blueprint = Blueprint("ussd_events", __name__)


def _plain(body, status=200):
    return Response(body + "\n", status=status, mimetype="text/plain")


@blueprint.post(PATH)
def session_ended():
    """Store the ended session; "ok: stored", "ok: updated" or "ok: repeat" (200)."""
    config = current_app.config
    if not token_matches(config["WEBHOOK_TOKEN"], request.args.get("token", "")):
        return _plain(FORBIDDEN, 403)
    try:
        end = read_session_end(callback_form(), config["USSD_SERVICE_CODE"])
    except RequestEntityTooLarge:
        return _plain(TOO_LARGE, 413)
    except BadCallback as error:
        log.warning("refused USSD notification: %s", error)
        return _plain(f"bad request: {error}", 400)
    try:
        outcome = current_app.services.journeys.close_notified(
            end.session_id, end.phone, end.network, end.status, end.hops, end.duration_ms, end.cost, end.error_message,
        )
    except SQLAlchemyError as error:
        log.error("database error on %s: %s", PATH, error)
        return _plain("unavailable: database error, try again", 503)
    return _plain(f"ok: {outcome}")
