"""Accounts (admins only): who may use the console, in which role; new passwords are shown once."""

from flask import current_app, flash, g, redirect, render_template, request, url_for
from sqlalchemy import select

from sms_service.core.clock import show_local
from sms_service.core.models import StaffAccount
from sms_service.domain import audit
from sms_service.domain.staff import accounts as staff_accounts
from sms_service.domain.staff.roles import ROLES
from sms_service.web.console.blueprint import blueprint
from sms_service.web.console.roles import requires


def _accounts_page(status=200, **extra):
    with current_app.services.database.transaction() as session:
        rows = session.scalars(select(StaffAccount).order_by(StaffAccount.username)).all()
    return render_template("console/accounts.html", accounts=rows, roles=ROLES, show_local=show_local, **extra), status


@blueprint.get("/accounts")
@requires("admin")
def accounts():
    return _accounts_page()


@blueprint.post("/accounts")
@requires("admin")
def create_account():
    password = request.form.get("password") or staff_accounts.random_password()
    try:
        with current_app.services.database.write_transaction() as session:
            account = staff_accounts.create_account(session, request.form.get("username"), password,
                                                    request.form.get("role"))
            audit.record(session, g.staff.username, "account.create", account.username, role=account.role)
    except staff_accounts.AccountError as error:
        return _accounts_page(400, problem=str(error))
    return _accounts_page(created=(account.username, password))


CHANGES = ("role", "switch-off", "switch-on", "new-password")


@blueprint.post("/accounts/<int:account_id>")
@requires("admin")
def change_account(account_id):
    change, shown_password = request.form.get("change"), None
    if change not in CHANGES:
        return _accounts_page(400, problem=f"no such change: {change!r}")
    try:
        with current_app.services.database.write_transaction() as session:
            account = session.get(StaffAccount, account_id)
            if account is None:
                raise staff_accounts.AccountError(f"there is no account {account_id}")
            # Whoever does this is an active admin, and stays one: there is always an admin left.
            if account.id == g.staff.id and change in ("role", "switch-off"):
                raise staff_accounts.AccountError("you cannot change your own role or switch yourself off")
            if change == "role":
                staff_accounts.set_role(account, request.form.get("role"))
            elif change in ("switch-off", "switch-on"):
                account.active = change == "switch-on"
            else:
                shown_password = staff_accounts.random_password()
                staff_accounts.set_password(account, shown_password)
            audit.record(session, g.staff.username, f"account.{change}", account.username, role=account.role)
    except staff_accounts.AccountError as error:
        return _accounts_page(400, problem=str(error))
    if shown_password:
        return _accounts_page(created=(account.username, shown_password))
    flash(f"{account.username}: {change.replace('-', ' ')} done.")
    return redirect(url_for("console.accounts"))
