"""Log in and out."""

from flask import current_app, flash, g, redirect, render_template, request, session, url_for

from sms_service.domain import audit
from sms_service.domain.staff import accounts
from sms_service.domain.staff.roles import PUBLIC
from sms_service.web.console.blueprint import blueprint
from sms_service.web.console.roles import requires


def _safe_next(target):
    """Only a console path: a login link must not send anyone to another site, nor carry a
    control character (a CR/LF would split the Location header: werkzeug refuses it with a 500)."""
    if target and target.startswith("/console/") and target.isprintable():
        return target
    return url_for("console.dashboard")


@blueprint.route("/login", methods=["GET", "POST"])
@requires(PUBLIC)
def login():
    if request.method == "GET":
        return render_template("console/login.html", next=request.args.get("next", ""))
    username, code = request.form.get("username", ""), request.form.get("code", "")
    services = current_app.services
    # Counted before the check, atomically: parallel guesses get no more checks than the limit.
    if not services.login_throttle.attempt(username, request.remote_addr):
        flash("Too many failed attempts for this account or from this address: wait a few minutes and try again.")
        return render_template("console/login.html", next=request.form.get("next", ""), username=username), 429
    # The slow password check only reads; the login is then written in a short transaction that
    # takes SQLite's write lock up front (a reader that writes later fails at once when busy).
    account_id = stamp = role = None
    try:
        with services.database.transaction() as db:
            account = accounts.authenticate(db, username, request.form.get("password", ""), code, services.clock.now())
            if account is not None and account.totp_secret and not services.staff_sessions.first_use_of_code(account.id, code):
                raise accounts.AccountError("a two-factor code works once")
            account_id = account.id if account is not None else None
        if account_id is not None:
            with services.database.write_transaction() as db:
                account = accounts.record_login(db, account_id, services.clock.now())
                if account is not None:
                    audit.record(db, account.username, "login", account.username)
                    stamp, role = accounts.credential_stamp(account), account.role
    except accounts.AccountError:
        account = None
    if account is None:
        flash("Wrong username or password, or two-factor code (or the account is switched off).")
        return render_template("console/login.html", next=request.form.get("next", ""), username=username), 401
    services.login_throttle.succeeded(username, request.remote_addr)
    # A fresh cookie session at login: a session id or CSRF token planted before it is useless.
    session.clear()
    session["sid"] = services.staff_sessions.start(account_id, stamp)
    if role == "door" and not request.form.get("next"):
        return redirect(url_for("console.door"))  # the one page a door account may open
    return redirect(_safe_next(request.form.get("next")))


@blueprint.post("/logout")
@requires("door")
def logout():
    current_app.services.staff_sessions.end(session.get("sid"))
    session.clear()
    flash(f"Logged out {g.staff.username}.")
    return redirect(url_for("console.login"))


@blueprint.get("/")
@requires("door")
def home():
    """The dashboard; for a door account, the check-in page (the one page it may open)."""
    return redirect(url_for("console.door" if g.staff.role == "door" else "console.dashboard"))
