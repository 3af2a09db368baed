"""Every console request passes here first: who is logged in, whether their role may open the
page, and, for every POST, the form's CSRF token (web/csrf.py)."""

from flask import abort, current_app, flash, g, redirect, request, session, url_for

from sms_service.core.models import StaffAccount
from sms_service.domain.staff.accounts import credential_stamp
from sms_service.domain.staff.roles import PUBLIC, allows
from sms_service.web.console.blueprint import blueprint
from sms_service.web.console.roles import minimum_role
from sms_service.web.csrf import check_csrf

# Forms that carry a file (CSV imports and lists) may be larger than AT's callbacks, for which
# the app's MAX_CONTENT_LENGTH is set.
UPLOAD_MAX_BYTES = 5 * 1024 * 1024


def accepts_upload(view):
    view.accepts_upload = True
    return view


def logged_in_account():
    """The account of this browser's login, or None (never logged in, expired, logged out, off,
    or its password or two-factor secret changed since)."""
    sessions = current_app.services.staff_sessions
    login = sessions.login(session.get("sid"))
    if login is None:
        return None
    account_id, stamp = login
    with current_app.services.database.transaction() as db:
        account = db.get(StaffAccount, account_id)
    if account is None or not account.active or credential_stamp(account) != stamp:
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
    if request.method == "POST":
        check_csrf()
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
