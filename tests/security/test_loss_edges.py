"""Attacks that once answered 500 or 503 for ever (issue 14): AT then retries a callback for ever,
or staff see an error page instead of a reason. Each row is the attack, then the clear answer.
They run on SQLite and on PostgreSQL (TEST_DATABASE_URL), whose column widths and NUL are strict.
"""

import io
import threading
from concurrent.futures import ThreadPoolExecutor

import pytest
import requests
from sqlalchemy import event, select

from sms_service.core.models import InboundMessage
from tests.console_helpers import ROLE_ACCOUNTS, log_in, logged_in, make_role_accounts, post

REDIS_DOWN = "redis://127.0.0.1:1/0"
INBOUND = {"from": "+254711082001", "to": "21212", "text": "JOIN", "date": "2026-12-01 09:00:00",
           "id": "ATXid_1", "networkCode": "63902", "linkId": "SampleLinkId123"}


@pytest.mark.parametrize("field, value, reason", [
    ("id", "A" * 65, "field 'id' is longer than 64 characters"),  # the attack: an id of 65 characters
    ("to", "2" * 33, "field 'to' is longer than 32 characters"),
    ("linkId", "L" * 65, "field 'linkId' is longer than 64 characters"),
    ("networkCode", "6" * 17, "field 'networkCode' is longer than 16 characters"),
    ("text", "x" * 1601, "field 'text' is longer than 1600 characters"),
])
def test_an_inbound_field_wider_than_its_column_is_refused_with_the_reason(client, field, value, reason):
    response = client.post("/sms/inbound", data={**INBOUND, field: value})
    assert (response.status_code, response.get_data(as_text=True)) == (400, f"bad request: {reason}\n")
    with client.application.services.database.transaction() as session:
        assert session.scalars(select(InboundMessage)).all() == []


@pytest.mark.parametrize("field, value, stored", [
    ("text", "JOIN\x00 now", "JOIN\ufffd now"),  # the attack: a NUL in the text
    ("text", "\x00", "\ufffd"),
    ("id", "ATX\x00id", "ATX\ufffdid"),
    ("linkId", "link\x00", "link\ufffd"),
])
def test_a_nul_is_replaced_and_the_message_kept(client, field, value, stored):
    response = client.post("/sms/inbound", data={**INBOUND, field: value})
    assert response.status_code == 200, response.get_data(as_text=True)
    column = {"text": "text", "id": "at_id", "linkId": "link_id"}[field]
    with client.application.services.database.transaction() as session:
        assert session.scalars(select(getattr(InboundMessage, column))).one() == stored


def test_a_delivery_report_id_wider_than_any_message_id_is_refused(client):
    response = client.post("/sms/delivery-reports", data={"id": "A" * 65, "status": "Success"})
    assert (response.status_code, response.get_data(as_text=True)) == (
        400, "bad request: field 'id' is longer than 64 characters\n")


@pytest.mark.parametrize("method, path, data, content_type", [
    # A report for a message not recorded yet is kept in Redis for its sender: Redis is down.
    ("post", "/sms/delivery-reports", {"id": "ATXid_unknown", "status": "Success"}, "text/plain"),
    ("get", "/simulator/inbox?number=0799900012", None, "application/json"),
])
def test_redis_down_answers_503_with_a_reason_not_a_500_page(make_app, method, path, data, content_type):
    client = make_app(REDIS_URL=REDIS_DOWN, DEMO_MODE="1").test_client()
    response = getattr(client, method)(path, data=data)
    assert response.status_code == 503
    assert response.mimetype == content_type
    assert "Redis" in response.get_data(as_text=True)


def _on_connect(statement):
    def run(connection, _record):
        cursor = connection.cursor()
        cursor.execute(statement)
        cursor.close()
        connection.commit()  # PostgreSQL: a SET rolled back with its transaction would not last
    return run


def _made_read_only(app):
    """The app's database made read-only the way production ones become so; the reason expected."""
    database = app.services.database
    database.dispose()
    if database.engine.dialect.name == "sqlite":
        event.listen(database.engine, "connect", _on_connect("PRAGMA query_only = ON"))
        return "down: read-only: PRAGMA query_only is on"
    event.listen(database.engine, "connect", _on_connect("SET SESSION default_transaction_read_only = on"))
    return "down: read-only: transaction_read_only is on"


def test_healthz_sees_a_read_only_database(app):
    expected = _made_read_only(app)
    response = app.test_client().get("/healthz")
    assert response.status_code == 503
    assert response.get_json()["checks"]["database"] == expected


def test_healthz_takes_no_write_lock(app):
    """Polled every few seconds: it must never queue behind (or block) a writer."""
    database = app.services.database
    began = []
    event.listen(database.engine, "begin", lambda connection: began.append(
        connection.get_execution_options().get("sqlite_begin", "")))
    statements = []
    event.listen(database.engine, "before_cursor_execute",
                 lambda _c, _cur, statement, *_: statements.append(statement.split()[0].upper()))
    assert app.test_client().get("/healthz").status_code == 200
    assert "IMMEDIATE" not in began and "EXCLUSIVE" not in began
    assert not {"INSERT", "UPDATE", "DELETE", "CREATE"} & set(statements)


@pytest.fixture
def admin(app):
    make_role_accounts(app)
    return logged_in(app, "admin")


@pytest.mark.parametrize("page", ["99999999999999999999999", str(2**63), "-99999999999999999999"])
def test_a_huge_page_number_shows_an_empty_page(admin, page):
    for path in ("/console/subscribers", "/console/inbound", "/console/audit"):
        assert admin.get(f"{path}?page={page}").status_code == 200, path


@pytest.mark.parametrize("next_path, status, answer", [
    ("/console/broadcasts\r\nSet-Cookie: evil=1", 302, "/console/dashboard"),  # the attack: a 500 before
    ("/console/\nx", 302, "/console/dashboard"),
    ("/console/\x7f", 302, "/console/dashboard"),
    ("//evil.example/", 302, "/console/dashboard"),
    ("https://evil.example/console/", 302, "/console/dashboard"),
    ("/console/\x00", 400, "NUL character"),  # no form field may hold one
])
def test_a_login_next_with_control_characters_or_another_site_goes_to_the_dashboard(app, next_path, status, answer):
    make_role_accounts(app)
    client = app.test_client()
    response = log_in(client, ROLE_ACCOUNTS["viewer"], next=next_path)
    assert response.status_code == status
    assert answer in (response.headers.get("Location") or response.get_data(as_text=True))


@pytest.mark.parametrize("cell", [
    "x" * (128 * 1024 + 1),  # the attack: one cell over csv.field_size_limit()
    '"' + "y" * 200_000,  # an unclosed quote that runs to the end
])
def test_a_csv_cell_over_the_csv_limit_is_refused_with_the_reason(admin, cell):
    content = ("phone,language\n0712000001," + cell + "\n").encode()
    data = {"file": (io.BytesIO(content), "big.csv"), "topics": ["torture"], "consent_basis": "paper sheets",
            "consent_confirmed": "on"}
    response = post(admin, "/console/subscribers/import", data, content_type="multipart/form-data")
    assert response.status_code == 400
    assert "the file cannot be read as CSV" in response.get_data(as_text=True)
    broadcast = post(admin, "/console/broadcasts/new", {
        "name": "list", "audience": "list", "text_en": "Hello", "when": "now", "repeat": "once",
        "numbers": (io.BytesIO(content), "big.csv")}, content_type="multipart/form-data")
    assert broadcast.status_code in (200, 400)
    assert "the file cannot be read as CSV" in broadcast.get_data(as_text=True)


def test_logins_succeed_while_inbound_messages_pour_in(live_app):
    """The attack: under inbound load on SQLite, 108 of 108 logins answered 503 (database is
    locked): a login read the account, then wrote, and lost the race for the write lock."""
    app = live_app()
    make_role_accounts(app)
    url = app.config["SERVER_URL"]
    stop = threading.Event()

    def pour(worker):
        n = 0
        with requests.Session() as session:
            while not stop.is_set():
                n += 1
                form = {**INBOUND, "id": f"load-{worker}-{n}", "from": f"+25471100{worker:02d}{n % 100:02d}"}
                assert session.post(f"{url}/sms/inbound", data=form, timeout=10).status_code == 200

    def login(_):
        with requests.Session() as session:
            page = session.get(f"{url}/console/login", timeout=10).text
            token = page.split('name="csrf-token" content="')[1].split('"')[0]
            return session.post(f"{url}/console/login", timeout=30, allow_redirects=False, data={
                "username": ROLE_ACCOUNTS["admin"], "password": "correct horse battery", "csrf_token": token,
            }).status_code

    # Four logins at a time: more of one account from one address at once would meet the login
    # limit (tries are counted before the check), which is not what this attack is about.
    with ThreadPoolExecutor(4) as pool, ThreadPoolExecutor(4) as logins:
        pourers = [pool.submit(pour, worker) for worker in range(4)]
        try:
            statuses = list(logins.map(login, range(24)))
        finally:
            stop.set()
        for pourer in pourers:
            pourer.result()
    assert statuses == [302] * 24
