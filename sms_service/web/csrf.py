"""CSRF protection for every browser form (the console, the simulator), through Flask-WTF's
CSRFProtect: a token signed with SECRET_KEY, tied to the browser's session, carried by each form
(`csrf_token`) or script (the `X-CSRF-Token` header).

The check is made where each blueprint's guard says (after the login check, so that an anonymous
visitor is sent to the login, not shown a form error); AT's webhooks carry no token and are not
browser forms, so they are never checked. A token lives as long as the browser's session: a login
starts a fresh session, so it is valid for the life of the login, not for one hour.
"""

from flask import abort
from flask_wtf.csrf import CSRFError, CSRFProtect

EXPIRED = "This form has expired (or came from another site). Go back, reload the page and try again."

csrf = CSRFProtect()


def init_csrf(app):
    app.config["WTF_CSRF_CHECK_DEFAULT"] = False  # each guard checks, in its own order
    app.config["WTF_CSRF_TIME_LIMIT"] = None  # as long as the session (the login)
    app.config["WTF_CSRF_HEADERS"] = ["X-CSRF-Token", "X-CSRFToken"]
    csrf.init_app(app)


def check_csrf():
    """Refuse (400, with what to do) a POST without this session's token."""
    try:
        csrf.protect()
    except CSRFError:
        abort(400, EXPIRED)
