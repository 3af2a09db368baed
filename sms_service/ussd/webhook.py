"""POST /ussd: Africa's Talking's USSD callback, answered with `CON ...` or `END ...` as text/plain.

It is a plain WSGI app that create_app puts in front of Flask: every hop of every caller comes
here, and Flask's request and response objects cost more per hop than the menu's own logic.
"""

import logging

from werkzeug.exceptions import RequestEntityTooLarge

from sms_service.phone_numbers import mask_msisdn
from sms_service.plain_wsgi import UnreadableForm, plain_text, query_value, read_form
from sms_service.ussd.conversation import SessionOfAnotherNumber
from sms_service.ussd.screens import apology_text
from sms_service.webhook_guard import BadCallback, phone_field, required_fields, token_matches

log = logging.getLogger(__name__)

PATH = "/ussd"
FIELDS = ("sessionId", "serviceCode", "phoneNumber", "text")
# AT's callbacks are a few hundred bytes. Flask's MAX_CONTENT_LENGTH is None unless configured.
MAX_BODY_BYTES = 64 * 1024


class UssdWebhook:
    def __init__(self, config, conversation, book):
        """`config` is the app's, read on every request like Flask's current_app.config."""
        self.config = config
        self.conversation = conversation
        self.book = book

    def __call__(self, environ, start_response):
        if environ["REQUEST_METHOD"] != "POST":
            allow = [("Allow", "POST")]
            return plain_text(start_response, 405, "method not allowed: AT posts callbacks\n", allow)
        if not token_matches(self.config["WEBHOOK_TOKEN"], query_value(environ, "token")):
            return plain_text(start_response, 403, "forbidden: missing or wrong token\n")
        try:
            form = read_form(environ, self.config["MAX_CONTENT_LENGTH"] or MAX_BODY_BYTES)
        except RequestEntityTooLarge:
            return plain_text(start_response, 413, "too large: AT's callbacks are a few hundred bytes\n")
        except UnreadableForm as error:
            log.warning("refused USSD callback: %s", error)
            return plain_text(start_response, 400, f"bad request: {error}\n")
        status, body = self.answer(form)
        return plain_text(start_response, status, body)

    def answer(self, form):
        """(HTTP status, body) for one callback's form fields."""
        try:
            fields = required_fields(form, FIELDS, allow_empty=("text",))
            phone = phone_field(form, "phoneNumber")
            expected_code = self.config["USSD_SERVICE_CODE"]
            if expected_code and fields["serviceCode"] != expected_code:
                raise BadCallback(f"serviceCode {fields['serviceCode']!r} is not ours")
        except BadCallback as error:
            log.warning("refused USSD callback: %s", error)
            return 400, f"bad request: {error}\n"

        try:
            return 200, self.conversation.hop(fields["sessionId"], phone, fields["text"])
        except SessionOfAnotherNumber:
            log.warning("refused USSD callback: session %r belongs to another number", fields["sessionId"])
            return 400, "bad request: sessionId belongs to another phoneNumber\n"
        except Exception:
            # Redis or the database is down, or a bug: the caller gets an apology, never a 500.
            log.exception("USSD hop failed for %s in session %r", mask_msisdn(phone), fields["sessionId"])
            return 200, "END " + apology_text(self.book)
