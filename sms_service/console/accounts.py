"""Console accounts: created by a `flask` command or an admin, passwords hashed (werkzeug.security)."""

import re
import secrets

from sqlalchemy import func, select
from werkzeug.security import check_password_hash, generate_password_hash

from sms_service.console.roles import ROLES
from sms_service.models import StaffAccount, utcnow

MIN_PASSWORD_LENGTH = 10
USERNAME = re.compile(r"[a-z0-9][a-z0-9._-]{1,63}")
# Checked when the username is unknown, so a wrong name takes as long as a wrong password.
_UNKNOWN_USER_HASH = generate_password_hash(secrets.token_urlsafe(16))


class AccountError(ValueError):
    """An account change that cannot be made, with the reason to show."""


def random_password():
    return secrets.token_urlsafe(12)


def _checked_password(password):
    if len(password) < MIN_PASSWORD_LENGTH:
        raise AccountError(f"a password needs at least {MIN_PASSWORD_LENGTH} characters")
    return generate_password_hash(password)


def _checked_role(role):
    if role not in ROLES:
        raise AccountError(f"no such role: {role!r} (roles: {', '.join(ROLES)})")
    return role


def create_account(session, username, password, role):
    username = (username or "").strip().lower()
    if not USERNAME.fullmatch(username):
        raise AccountError("a username is 2-64 characters: lowercase letters, digits, '.', '_' or '-'")
    if session.scalar(select(StaffAccount.id).where(StaffAccount.username == username)):
        raise AccountError(f"there is already an account called {username!r}")
    account = StaffAccount(username=username, password_hash=_checked_password(password), role=_checked_role(role),
                           active=True, created_at=utcnow())
    session.add(account)
    session.flush()
    return account


def find_account(session, username):
    account = session.scalar(select(StaffAccount).where(StaffAccount.username == (username or "").strip().lower()))
    if account is None:
        raise AccountError(f"no account called {username!r}")
    return account


def authenticate(session, username, password):
    """The active account with this username and password, or None."""
    account = session.scalar(select(StaffAccount).where(StaffAccount.username == (username or "").strip().lower()))
    if account is None:
        check_password_hash(_UNKNOWN_USER_HASH, password or "")
        return None
    if not check_password_hash(account.password_hash, password or "") or not account.active:
        return None
    account.last_login_at = utcnow()
    return account


def set_password(account, password):
    account.password_hash = _checked_password(password)


def set_role(account, role):
    account.role = _checked_role(role)


def seed_admin(session, username="admin"):
    """On a database without accounts: an admin with a random password, returned with it."""
    if session.scalar(select(func.count()).select_from(StaffAccount)):
        return None
    password = random_password()
    return create_account(session, username, password, "admin"), password
