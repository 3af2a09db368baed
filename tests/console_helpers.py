"""Console accounts and logins for tests: real accounts in the database, real logins over the
app's HTTP surface (a test client or a browser)."""

import functools
import re

from werkzeug.security import generate_password_hash

from sms_service.core.models import StaffAccount, utcnow
from sms_service.domain.staff import accounts
from sms_service.domain.staff.sessions import SESSION_KEY

PASSWORD = "correct horse battery"
ROLE_ACCOUNTS = {"door": "dora", "viewer": "vera", "editor": "eddie", "responder": "rosa", "admin": "ada"}


def make_account(app, username, role, password=PASSWORD):
    with app.services.database.transaction() as session:
        return accounts.create_account(session, username, password, role).id


@functools.lru_cache
def _password_hash(password):
    """The hash create_account stores (werkzeug's scrypt), made once per test process."""
    return generate_password_hash(password)


def make_role_accounts(app):
    """One account per role (ROLE_ACCOUNTS), as the rows create_account makes, with the password
    hashed once per process: hashing it five times took 0.7 s of every console test's setup.
    Logins still check it for real; test_auth.py goes through create_account itself."""
    with app.services.database.transaction() as session:
        for role, username in ROLE_ACCOUNTS.items():
            session.add(StaffAccount(username=username, password_hash=_password_hash(PASSWORD), role=role,
                                     active=True, created_at=utcnow()))


def csrf(client):
    """The token the console's forms carry, as a page render would have made it."""
    page = client.get("/console/login").get_data(as_text=True)
    found = re.search(r'name="csrf-token" content="([^"]+)"', page)
    return found.group(1)


def log_in(client, username, password=PASSWORD, **extra):
    return client.post("/console/login", data={"username": username, "password": password,
                                               "csrf_token": csrf(client), **extra})


def logged_in(app, role):
    client = app.test_client()
    response = log_in(client, ROLE_ACCOUNTS[role])
    assert response.status_code == 302, response.get_data(as_text=True)
    return client


def console_session(client):
    """`with console_session(client) as session:` the cookie session console pages see. (The test
    client's default path, /, is the landing page, which opens no session.)"""
    return client.session_transaction("/console/")


def post(client, url, data=None, **kwargs):
    """A console form post, with the token the session's pages carry."""
    return client.post(url, data={"csrf_token": csrf(client), **(data or {})}, **kwargs)


def session_key(client):
    with console_session(client) as session:
        return SESSION_KEY.format(sid=session["sid"])
