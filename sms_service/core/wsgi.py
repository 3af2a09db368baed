"""Just enough WSGI for an endpoint served outside Flask: its query, its form, a text/plain answer,
and a dispatcher that hands its path to it ahead of Flask.

Flask's request and response objects cost more per request than a whole USSD hop's logic; these
helpers do only what an Africa's Talking callback needs, with the same limits Flask applied.
"""

from http import HTTPStatus
from urllib.parse import parse_qsl

from werkzeug.formparser import parse_form_data
from werkzeug.wsgi import get_input_stream

URLENCODED = "application/x-www-form-urlencoded"


class UnreadableForm(ValueError):
    """A form body that is not UTF-8, raw or percent-encoded."""


def query_value(environ, name):
    """The first `name` in the query string, or ""."""
    for key, value in parse_qsl(environ.get("QUERY_STRING", ""), keep_blank_values=True, errors="replace"):
        if key == name:
            return value
    return ""


def read_form(environ, max_content_length):
    """The form fields as a dict, the first value of each name.

    Reads no more than Content-Length (werkzeug's RequestEntityTooLarge past
    `max_content_length`). A body that is not a form, JSON say, gives an empty form, as in Flask.
    """
    mimetype = environ.get("CONTENT_TYPE", "").partition(";")[0].strip().lower()
    if mimetype != URLENCODED:  # multipart is rare enough to leave to werkzeug's parser
        fields = parse_form_data(environ, max_content_length=max_content_length)[1]
        return {name: fields[name] for name in fields}
    body = get_input_stream(environ, max_content_length=max_content_length).read()
    try:
        pairs = parse_qsl(body.decode(), keep_blank_values=True, errors="strict")
    except UnicodeDecodeError:
        raise UnreadableForm("the form is not valid UTF-8") from None
    form = {}
    for name, value in pairs:
        form.setdefault(name, value)
    return form


def plain_text(start_response, status, body, headers=()):
    """Answer `body` (str) as text/plain with the HTTP `status` code; returns the WSGI body."""
    payload = body.encode()
    start_response(
        f"{status} {HTTPStatus(status).phrase}",
        [("Content-Type", "text/plain; charset=utf-8"), ("Content-Length", str(len(payload))), *headers],
    )
    return [payload]


class PathDispatcher:
    """Hands chosen paths to plain WSGI apps ahead of Flask; every other request goes to Flask."""

    def __init__(self, default_app, routes):
        """`routes` maps an exact PATH_INFO to the WSGI app that serves it."""
        self.default_app = default_app
        self.routes = routes

    def __call__(self, environ, start_response):
        app = self.routes.get(environ.get("PATH_INFO", ""), self.default_app)
        return app(environ, start_response)
