"""POST /ussd: Africa's Talking's USSD callback, answered with `CON ...` or `END ...` as text/plain."""

import logging

from flask import Blueprint, Response, current_app, request

from sms_service.phone_numbers import mask_msisdn
from sms_service.ussd.conversation import SessionOfAnotherNumber
from sms_service.ussd.screens import apology_text
from sms_service.webhook_guard import BadCallback, phone_field, required_fields, token_is_valid

log = logging.getLogger(__name__)

blueprint = Blueprint("ussd", __name__)

FIELDS = ("sessionId", "serviceCode", "phoneNumber", "text")


def _plain(body, status=200):
    return Response(body, status=status, mimetype="text/plain")


@blueprint.post("/ussd")
def ussd_callback():
    if not token_is_valid():
        return _plain("forbidden: missing or wrong token\n", 403)
    try:
        fields = required_fields(request.form, FIELDS, allow_empty=("text",))
        phone = phone_field(request.form, "phoneNumber")
        expected_code = current_app.config["USSD_SERVICE_CODE"]
        if expected_code and fields["serviceCode"] != expected_code:
            raise BadCallback(f"serviceCode {fields['serviceCode']!r} is not ours")
    except BadCallback as error:
        log.warning("refused USSD callback: %s", error)
        return _plain(f"bad request: {error}\n", 400)

    conversation = current_app.extensions["ussd_conversation"]
    try:
        body = conversation.hop(fields["sessionId"], phone, fields["text"])
    except SessionOfAnotherNumber:
        log.warning("refused USSD callback: session %r belongs to another number", fields["sessionId"])
        return _plain("bad request: sessionId belongs to another phoneNumber\n", 400)
    except Exception:
        # Redis or the database is down, or a bug: the caller gets an apology, never a 500.
        log.exception("USSD hop failed for %s in session %r", mask_msisdn(phone), fields["sessionId"])
        body = "END " + apology_text(current_app.extensions["flow_book"])
    return _plain(body)
