"""Every console request passes here first: who is logged in, whether their role may open the
page, and, for every POST, the form's CSRF token."""

import hmac
import secrets

from flask import abort, current_app, flash, g, redirect, request, session, url_for

from sms_service.console.blueprint import blueprint
from sms_service.console.roles import PUBLIC, allows, minimum_role
from sms_service.models import StaffAccount

CSRF_FIELD = "csrf_token"
CSRF_HEADER = "X-CSRF-Token"
# Forms that carry a file (CSV imports and lists) may be larger than AT's callbacks, for which
# the app's MAX_CONTENT_LENGTH is set.
UPLOAD_MAX_BYTES = 5 * 1024 * 1024


@blueprint.app_template_global("csrf_token")
def csrf_token():
    """This browser session's token, made on first need; every console form carries it."""
    if "csrf" not in session:
        session["csrf"] = secrets.token_urlsafe(32)
    return session["csrf"]


def csrf_is_valid():
    expected = session.get("csrf")
    given = request.form.get(CSRF_FIELD) or request.headers.get(CSRF_HEADER) or ""
    return bool(expected) and hmac.compare_digest(given.encode(), expected.encode())


def accepts_upload(view):
    view.accepts_upload = True
    return view


def logged_in_account():
    """The account of this browser's login, or None (never logged in, expired, logged out, off)."""
    sessions = current_app.extensions["console_sessions"]
    account_id = sessions.account_id(session.get("sid"))
    if account_id is None:
        return None
    with current_app.extensions["database"].transaction() as db:
        account = db.get(StaffAccount, account_id)
    if account is None or not account.active:
        sessions.end(session.get("sid"))
        return None
    return account


@blueprint.before_request
def guard():
    view = current_app.view_functions.get(request.endpoint)
    minimum = PUBLIC if request.endpoint == "console.static" else minimum_role(view)
    if getattr(view, "accepts_upload", False):
        request.max_content_length = UPLOAD_MAX_BYTES
    account = None
    if minimum != PUBLIC:
        account = logged_in_account()
        if account is None:
            return _to_login()
    if request.method == "POST" and not csrf_is_valid():
        abort(400, "This form has expired (or came from another site). Go back, reload the page and try again.")
    if account is not None and not allows(account.role, minimum):
        abort(403, f"Your role ({account.role}) may not open this page; it needs {minimum}.")
    g.staff = account
    return None


def _to_login():
    if session.pop("sid", None):
        flash("Your session expired. Log in again.")
    if request.method == "GET" and not request.path.endswith(".json"):
        return redirect(url_for("console.login", next=request.full_path.rstrip("?")))
    return redirect(url_for("console.login"))


@blueprint.app_context_processor
def _template_helpers():
    return {"staff": g.get("staff")}
