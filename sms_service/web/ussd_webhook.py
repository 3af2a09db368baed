"""POST /ussd: Africa's Talking's USSD callback, answered with `CON ...` or `END ...` as text/plain.

A plain WSGI app that create_app puts in front of Flask: every hop of every caller comes here,
and Flask's request and response objects cost more per hop than the menu's own logic (measured:
bench/README.md). The channel (channels/africastalking/ussd.py) reads the form and renders the
screen; the engine's conversation decides the screen.
"""

import logging

from werkzeug.exceptions import RequestEntityTooLarge

from sms_service.channels.africastalking import ussd as at_ussd
from sms_service.channels.africastalking.guard import FORBIDDEN, MAX_BODY_BYTES, TOO_LARGE, BadCallback, token_matches
from sms_service.core.phone_numbers import mask_msisdn
from sms_service.core.wsgi import UnreadableForm, plain_text, query_value, read_form
from sms_service.engine.ussd.conversation import SessionOfAnotherNumber
from sms_service.engine.ussd.screens import apology_text

log = logging.getLogger(__name__)

PATH = "/ussd"


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
            return plain_text(start_response, 403, FORBIDDEN + "\n")
        try:
            form = read_form(environ, self.config["MAX_CONTENT_LENGTH"] or MAX_BODY_BYTES)
        except RequestEntityTooLarge:
            return plain_text(start_response, 413, TOO_LARGE + "\n")
        except UnreadableForm as error:
            log.warning("refused USSD callback: %s", error)
            return plain_text(start_response, 400, f"bad request: {error}\n")
        status, body = self.answer(form)
        return plain_text(start_response, status, body)

    def answer(self, form):
        """(HTTP status, body) for one callback's form fields."""
        try:
            hop = at_ussd.read_hop(form, self.config["USSD_SERVICE_CODE"])
        except BadCallback as error:
            log.warning("refused USSD callback: %s", error)
            return 400, f"bad request: {error}\n"

        try:
            return 200, at_ussd.render(self.conversation.hop(hop.session_id, hop.phone, hop.text, hop.network))
        except SessionOfAnotherNumber:
            log.warning("refused USSD callback: session %r belongs to another number", hop.session_id)
            return 400, "bad request: sessionId belongs to another phoneNumber\n"
        except Exception:
            # Redis or the database is down, or a bug: the caller gets an apology, never a 500.
            log.exception("USSD hop failed for %s in session %r", mask_msisdn(hop.phone), hop.session_id)
            return 200, at_ussd.render_apology(apology_text(self.book))
