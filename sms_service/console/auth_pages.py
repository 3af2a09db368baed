"""Log in and out."""

from flask import current_app, flash, g, redirect, render_template, request, session, url_for

from sms_service import audit
from sms_service.console import accounts
from sms_service.console.blueprint import blueprint
from sms_service.console.roles import PUBLIC, requires


def _safe_next(target):
    """Only a console path: a login link must not send anyone to another site."""
    if target and target.startswith("/console/") and not target.startswith("//"):
        return target
    return url_for("console.dashboard")


@blueprint.route("/login", methods=["GET", "POST"])
@requires(PUBLIC)
def login():
    if request.method == "GET":
        return render_template("console/login.html", next=request.args.get("next", ""))
    username = request.form.get("username", "")
    throttle = current_app.extensions["console_login_throttle"]
    if throttle.blocked(username):
        flash("Too many failed attempts for this account: wait 15 minutes and try again.")
        return render_template("console/login.html", next=request.form.get("next", ""), username=username), 429
    with current_app.extensions["database"].transaction() as db:
        account = accounts.authenticate(db, username, request.form.get("password", ""))
        if account is not None:
            audit.record(db, account.username, "login", account.username)
    if account is None:
        throttle.failed(username)
        flash("Wrong username or password (or the account is switched off).")
        return render_template("console/login.html", next=request.form.get("next", ""), username=username), 401
    throttle.succeeded(username)
    # A fresh cookie session at login: a session id or CSRF token planted before it is useless.
    session.clear()
    session["sid"] = current_app.extensions["console_sessions"].start(account.id)
    return redirect(_safe_next(request.form.get("next")))


@blueprint.post("/logout")
@requires("viewer")
def logout():
    current_app.extensions["console_sessions"].end(session.get("sid"))
    session.clear()
    flash(f"Logged out {g.staff.username}.")
    return redirect(url_for("console.login"))


@blueprint.get("/")
@requires("viewer")
def home():
    return redirect(url_for("console.dashboard"))
