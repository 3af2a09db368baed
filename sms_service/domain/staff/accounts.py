"""Console accounts: created by a `flask` command or an admin, passwords hashed (werkzeug.security)."""

import hashlib
import re
import secrets

import pyotp
from sqlalchemy import func, select
from werkzeug.security import check_password_hash, generate_password_hash

from sms_service.core.models import StaffAccount, utcnow
from sms_service.domain.staff.roles import ROLES

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


def authenticate(session, username, password, code="", now=None):
    """The active account with this username and password (and two-factor `code` at `now`, a
    datetime, when it has TOTP on), or None. Only reads: the slow password check must not hold
    SQLite's write lock (`record_login` writes, in a short transaction after)."""
    account = session.scalar(select(StaffAccount).where(StaffAccount.username == (username or "").strip().lower()))
    if account is None:
        check_password_hash(_UNKNOWN_USER_HASH, password or "")
        return None
    if not check_password_hash(account.password_hash, password or "") or not account.active:
        return None
    if not two_factor_code_matches(account, code, now or utcnow()):
        return None
    return account


def record_login(session, account_id, now):
    """Note a login of the account at `now`; the account, or None if it was switched off meanwhile."""
    account = session.get(StaffAccount, account_id)
    if account is None or not account.active:
        return None
    account.last_login_at = now
    return account


def set_password(account, password):
    """A new password; every login of the account ends with the old one (credential_stamp)."""
    account.password_hash = _checked_password(password)


def credential_stamp(account):
    """A short digest of what a login proved (the password hash and the TOTP secret): a login
    holds it, and ends when it no longer matches, i.e. when either changes."""
    material = f"{account.password_hash}|{account.totp_secret or ''}".encode()
    return hashlib.sha256(material).hexdigest()[:32]


TWO_FACTOR_ROLES = ("editor", "responder", "admin")
TOTP_ISSUER = "Haki Yetu"


def enable_two_factor(account):
    """Switch on TOTP login (RFC 6238, 30 s, 6 digits) for an editor or admin; its otpauth:// URI,
    for an authenticator app (shown once). Every login of the account ends."""
    if account.role not in TWO_FACTOR_ROLES:
        raise AccountError(f"two-factor login is for editors and admins (responders too), not {account.role}s")
    account.totp_secret = pyotp.random_base32()
    return pyotp.TOTP(account.totp_secret).provisioning_uri(name=account.username, issuer_name=TOTP_ISSUER)


def disable_two_factor(account):
    account.totp_secret = None


def two_factor_code_matches(account, code, now):
    """True when `account` has no TOTP, or `code` is its code at `now` (a datetime) or 30 s either
    side (a phone's clock drifts)."""
    if not account.totp_secret:
        return True
    code = (code or "").strip().replace(" ", "")
    return code.isdigit() and pyotp.TOTP(account.totp_secret).verify(code, for_time=now, valid_window=1)


def set_role(account, role):
    account.role = _checked_role(role)


def seed_admin(session, username="admin"):
    """On a database without accounts: an admin with a random password, returned with it."""
    if session.scalar(select(func.count()).select_from(StaffAccount)):
        return None
    password = random_password()
    return create_account(session, username, password, "admin"), password
