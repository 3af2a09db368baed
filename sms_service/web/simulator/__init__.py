"""The phone simulator at /simulator: a basic phone in the browser that dials the USSD code, texts
the shortcode and shows the SMS the local gateway delivered to its number. When a simulated USSD
session ends (an END screen) or is abandoned (Cancel), it posts AT's end-of-session notification
to /ussd/events, as AT would, so that the journeys page counts demo sessions too.

It goes through the real webhooks, not around them: each hop is posted to this same app's
/ussd and /sms/inbound (in-process, as WSGI requests carrying WEBHOOK_TOKEN when one is set),
and replies reach its inbox the way they reach any phone here, from a worker through the local
gateway. Mounted only in demo mode, where SMS go to the local gateway: nothing it does reaches a
real phone, so anyone may use it without an account. It acts only for test numbers, those starting
with SIMULATOR_PREFIX: it cannot read anyone else's thread, nor sign or send STOP as them.
"""

import logging
import secrets
from datetime import datetime

from flask import Blueprint, current_app, jsonify, render_template, request
from redis.exceptions import RedisError
from sqlalchemy import select
from werkzeug.test import Client

from sms_service.channels.africastalking.local_gateway import messages_for
from sms_service.core.clock import as_utc
from sms_service.core.config import webhook_tokens
from sms_service.core.models import InboundMessage, OutboundMessage, utcnow
from sms_service.core.phone_numbers import InvalidPhoneNumber, normalise_msisdn
from sms_service.web.csrf import check_csrf
from sms_service.web.sms_webhooks import blueprint as sms_blueprint
from sms_service.web.ussd_events import PATH as USSD_EVENTS_PATH
from sms_service.web.ussd_webhook import PATH as USSD_PATH

log = logging.getLogger(__name__)
blueprint = Blueprint("simulator", __name__, url_prefix="/simulator", template_folder="templates",
                      static_folder="static")

DEFAULT_SERVICE_CODE = "*384*123#"
DEFAULT_SHORTCODE = "21212"
SHOWN_SENT = 50


class SimulatorError(ValueError):
    """Something the person typed that a phone network would refuse; shown on the phone."""


@blueprint.errorhandler(SimulatorError)
def _refused(error):
    return jsonify(error=str(error)), 400


@blueprint.errorhandler(RedisError)
def _redis_down(error):
    """The phone shows why it cannot work (its inbox, the webhooks it posts to, need Redis)."""
    return jsonify(error="the service's Redis is not answering: try again shortly"), 503


@blueprint.before_request
def _check_csrf():
    if request.method == "POST":
        check_csrf()


def service_code():
    return current_app.config["USSD_SERVICE_CODE"] or DEFAULT_SERVICE_CODE


def shortcode():
    return current_app.config["AT_SENDER_ID"] or DEFAULT_SHORTCODE


def test_prefix():
    return current_app.config["SIMULATOR_PREFIX"]


def _number(form):
    """The form's number as E.164, or SimulatorError: not a number, or not a test number."""
    try:
        number = normalise_msisdn(form.get("number", ""))
    except InvalidPhoneNumber as error:
        raise SimulatorError(f"this phone's number: {error}") from None
    if not number.startswith(test_prefix()):
        raise SimulatorError(f"this phone's number: the simulator uses test numbers only, starting {test_prefix()}")
    return number


def dialled_shortcuts(dialled, code):
    """The answers in a dialled string, as AT sends them: '*384*123*4*1#' -> '4*1'."""
    dialled = dialled.strip().replace(" ", "")
    if dialled == code:
        return ""
    stem = code[:-1] + "*"
    if dialled.startswith(stem) and dialled.endswith("#") and len(dialled) > len(stem) + 1:
        return dialled[len(stem):-1]
    raise SimulatorError(f"unknown service code: dial {code}")


def _post_to_webhook(path, form):
    """POST `form` to this app's own webhook, through the whole WSGI stack, as AT would."""
    tokens = webhook_tokens(current_app.config["WEBHOOK_TOKEN"])
    token = tokens[0] if tokens else ""
    client = Client(current_app._get_current_object())
    response = client.post(path, data=form, query_string={"token": token} if token else None)
    return response.status_code, response.get_data(as_text=True)


@blueprint.get("/")
def phone():
    # A random test number: each browser gets its own thread.
    number = test_prefix() + "".join(secrets.choice("0123456789") for _ in range(max(0, 13 - len(test_prefix()))))
    return render_template("simulator/phone.html", code=service_code(), shortcode=shortcode(), number=number)


@blueprint.post("/ussd")
def ussd():
    """One hop: `dial` starts a session (with any shortcuts), else `session_id` and `text`, the
    answers so far joined by '*', continue it."""
    number = _number(request.form)
    if "dial" in request.form:
        session_id, text = f"SIM{secrets.token_hex(8)}", dialled_shortcuts(request.form["dial"], service_code())
    else:
        session_id, text = request.form.get("session_id", ""), request.form.get("text", "")
        if not session_id.startswith("SIM"):
            raise SimulatorError("no USSD session: dial the code first")
    status, body = _post_to_webhook(USSD_PATH, {
        "sessionId": session_id, "serviceCode": service_code(), "phoneNumber": number,
        "networkCode": "63902", "text": text,
    })
    if status != 200:
        raise SimulatorError(f"the USSD webhook answered {status}: {body.strip()}")
    ended = not body.startswith("CON ")
    if ended:
        _notify_session_end(session_id, number, text, "Success", request.form.get("elapsed_ms", ""))
    return jsonify(session_id=session_id, text=text, screen=body[4:], ended=ended)


@blueprint.post("/ussd/end")
def end_ussd():
    """The caller cancelled the session (`session_id`, `text` the answers so far, `elapsed_ms`
    since the dial): AT's notification says Incomplete, as for a caller who hangs up."""
    number = _number(request.form)
    session_id = request.form.get("session_id", "")
    if not session_id.startswith("SIM"):
        raise SimulatorError("no USSD session to end")
    _notify_session_end(session_id, number, request.form.get("text", ""), "Incomplete",
                        request.form.get("elapsed_ms", ""))
    return jsonify(ended=True)


def _notify_session_end(session_id, number, text, status, elapsed_ms):
    """Post AT's end-of-session notification for a simulated session to this app's /ussd/events.
    Hops are counted as AT counts them for a session dialled without shortcuts: one per answer,
    plus the dial."""
    form = {
        "sessionId": session_id, "serviceCode": service_code(), "networkCode": "63902", "phoneNumber": number,
        "status": status, "cost": "KES 0.0000", "hopsCount": str(len(text.split("*")) + 1 if text else 1),
        "input": text, "lastAppResponse": "", "errorMessage": "",
        "date": current_app.services.clock.now().strftime("%Y-%m-%d %H:%M:%S"),
    }
    if elapsed_ms.isascii() and elapsed_ms.isdigit() and len(elapsed_ms) < 10:
        form["durationInMillis"] = elapsed_ms
    answer, body = _post_to_webhook(USSD_EVENTS_PATH, form)
    if answer != 200:  # the phone goes on; the session then counts as timed out
        log.warning("the USSD notification webhook answered %s: %s", answer, body.strip())


@blueprint.post("/sms")
def send_sms():
    number, text = _number(request.form), request.form.get("text", "").strip()
    if not text:
        raise SimulatorError("type a message first")
    inbound_path = sms_blueprint.url_prefix + "/inbound"
    status, body = _post_to_webhook(inbound_path, {
        "from": number, "to": shortcode(), "text": text[:1600], "date": utcnow().isoformat(),
        "id": f"SIM{secrets.token_hex(12)}", "networkCode": "63902",
    })
    if status != 200:
        raise SimulatorError(f"the SMS webhook answered {status}: {body.strip()}")
    return jsonify(sent=True)


@blueprint.get("/inbox")
def inbox():
    """This number's conversation with the shortcode: what it texted, what the gateway delivered."""
    number = _number(request.args)
    received = messages_for(current_app.services.redis, number)
    with current_app.services.database.transaction() as session:
        sent = session.execute(
            select(InboundMessage.text, InboundMessage.received_at).where(InboundMessage.phone == number)
            .order_by(InboundMessage.id.desc()).limit(SHOWN_SENT)
        ).all()
        ids = [entry["id"] for entry in received]
        statuses = dict(session.execute(
            select(OutboundMessage.gateway_message_id, OutboundMessage.status)
            .where(OutboundMessage.gateway_message_id.in_(ids))
        ).all()) if ids else {}
    thread = [{"from_phone": True, "text": text, "at": as_utc(at).isoformat()} for text, at in sent]
    thread += [{"from_phone": False, "text": entry["message"], "at": entry["at"],
                "status": statuses.get(entry["id"], "sent")} for entry in received]
    thread.sort(key=lambda message: datetime.fromisoformat(message["at"]))
    return jsonify(number=number, messages=thread)
