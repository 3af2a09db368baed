"""How the Flask edges (the SMS webhooks, the USSD end-of-session notification) read AT's
callback form: as `/ussd` reads it (core/wsgi.py `read_form`), so that every callback meets the
same reader. A body that is not valid UTF-8 is a BadCallback naming that (werkzeug's own parser
dropped the fields instead, and the 400 then named a field as missing that was there)."""

from flask import current_app, request

from sms_service.channels.africastalking.guard import MAX_BODY_BYTES, BadCallback
from sms_service.core.wsgi import UnreadableForm, read_form


def callback_form():
    """{field: first value} of this request's form; BadCallback (400) when it is not valid UTF-8,
    RequestEntityTooLarge (413) past MAX_CONTENT_LENGTH."""
    try:
        return read_form(request.environ, current_app.config["MAX_CONTENT_LENGTH"] or MAX_BODY_BYTES)
    except UnreadableForm as error:
        raise BadCallback(str(error)) from None
