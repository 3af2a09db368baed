"""The table of attacks (issue 14): each row is an attack the service once failed, made the same
way against the real app (real Redis, real SQL, real HTTP where it matters). A new finding adds a
row here, or a test below with its attack in its name.

    attack                                                    test
    spoofed opt-outs with no WEBHOOK_TOKEN set                 test_production_refuses_to_start_open
    a demo with real AT credentials                           test_production_refuses_to_start_open
    a worker started open                                      test_a_worker_refuses_to_start_open
    SMS to a "local" address in production                     test_an_sms_without_a_gateway_fails_at_once
    the webhook token in a rotation                            test_every_token_of_a_rotation_is_accepted
    token= and phone numbers in log lines                      test_log_lines_hide_secrets_and_numbers
    token= and phone numbers in gunicorn's access log          test_gunicorn_logs_no_token_and_no_number
    an old login kept after a password change                  test_a_password_change_ends_every_login
    an attacker locking the real user out                       test_guesses_from_one_address_do_not_lock_the_owner_out
    40 parallel password guesses                               test_parallel_guesses_get_no_more_checks_than_the_limit
    guesses from one address at many accounts                  test_one_address_is_slowed_down_across_accounts
    a forged X-Forwarded-For                                   test_the_client_address_comes_from_trusted_proxies_only
    framing, sniffing, caching of console pages                test_security_headers
    inline styles (blocked by the CSP)                         test_console_pages_have_no_inline_script_or_style
    a cookie sent in the clear after an HTTPS login            test_the_cookie_is_secure_over_https
    a stolen password without the second factor                test_two_factor_login
    a forged Host at the service's /local-at                   test_the_service_mounts_no_gateway
    unbounded requests to the local gateway                    test_the_local_gateway_takes_only_bounded_requests
    one request growing Redis without end                      test_the_local_gateway_keeps_a_bounded_expiring_store
    the simulator reading and acting for any number            test_the_simulator_acts_for_test_numbers_only
    test numbers counted as real people                        test_test_numbers_stay_out_of_statistics_exports_and_audiences
"""

import io
import logging
import os
import re
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor

import pyotp
import pytest
import requests
from sqlalchemy import select

from sms_service.core.config import PROJECT_ROOT, ConfigError, as_environment
from sms_service.core.log_redaction import MAX_LINE_CHARS, RedactingFilter
from sms_service.core.models import OutboundMessage, StaffAccount, Subscriber
from sms_service.domain.staff import accounts
from sms_service.domain.staff.login_throttle import MAX_FAILURES, MAX_FAILURES_PER_ADDRESS
from tests.console_helpers import PASSWORD, csrf, log_in, logged_in, make_account, make_role_accounts, post
from tests.ports import free_port

TOKEN, SECRET = "t0ken-for-tests", "a-secret-key-of-this-deployment"
PRODUCTION = {"DEMO_MODE": "", "WEBHOOK_TOKEN": TOKEN, "SECRET_KEY": SECRET}


@pytest.mark.parametrize("settings, missing", [
    ({"DEMO_MODE": ""}, ["WEBHOOK_TOKEN", "SECRET_KEY"]),
    ({"DEMO_MODE": "", "AT_API_KEY": "real", "AT_USERNAME": "hakiyetu"}, ["WEBHOOK_TOKEN", "SECRET_KEY"]),
    ({"DEMO_MODE": "", "WEBHOOK_TOKEN": TOKEN}, ["SECRET_KEY"]),
    ({"DEMO_MODE": "", "WEBHOOK_TOKEN": TOKEN, "SECRET_KEY": "dev-only-secret-change-me"}, ["SECRET_KEY"]),
    ({"DEMO_MODE": "", "WEBHOOK_TOKEN": " , ", "SECRET_KEY": SECRET}, ["WEBHOOK_TOKEN"]),
    ({"DEMO_MODE": "", "SECRET_KEY": SECRET}, ["WEBHOOK_TOKEN"]),
    ({"DEMO_MODE": "1", "AT_API_KEY": "real", "AT_USERNAME": "hakiyetu"}, ["DEMO_MODE", "AT_API_KEY"]),
])
def test_production_refuses_to_start_open(make_app, settings, missing):
    with pytest.raises(ConfigError) as refused:
        make_app(**settings)
    assert [name for name in missing if name not in str(refused.value)] == []


def test_production_with_a_token_refuses_spoofed_opt_outs(make_app):
    client = make_app(**PRODUCTION).test_client()
    spoofed = [client.post("/sms/opt-out", data={"senderId": "HAKIYETU", "phoneNumber": f"+2547110820{n:02}"})
               for n in range(20)]
    assert {response.status_code for response in spoofed} == {403}
    with client.application.services.database.transaction() as session:
        assert session.scalars(select(Subscriber).where(Subscriber.suppressed_at.is_not(None))).all() == []


def test_a_worker_refuses_to_start_open(app):
    environment = {**os.environ, **as_environment(app.services.config), "DEMO_MODE": "", "WEBHOOK_TOKEN": ""}
    done = subprocess.run([sys.executable, "-m", "workers", "--burst"], cwd=PROJECT_ROOT, env=environment,
                          capture_output=True, text=True, timeout=60)
    assert done.returncode != 0
    assert "refusing to start" in done.stderr and "WEBHOOK_TOKEN" in done.stderr


def test_an_sms_without_a_gateway_fails_at_once(make_app, run_jobs):
    app = make_app(**PRODUCTION)
    form = {"from": "+254711082001", "to": "21212", "text": "HELP", "date": "", "id": "no-gateway-1"}
    assert app.test_client().post(f"/sms/inbound?token={TOKEN}", data=form).status_code == 200
    run_jobs(app)
    with app.services.database.transaction() as session:
        [reply] = session.scalars(select(OutboundMessage)).all()
        assert (reply.status, reply.failure_reason, reply.attempts) == ("failed", "no SMS gateway configured", 1)
    assert app.services.queues["replies"].scheduled_job_registry.get_job_ids() == []  # no retry


@pytest.mark.parametrize("given, status", [("new-token", 200), ("old-token", 200), ("other", 403), ("", 403),
                                           ("new-token,old-token", 403)])
def test_every_token_of_a_rotation_is_accepted(make_app, given, status):
    client = make_app(**{**PRODUCTION, "WEBHOOK_TOKEN": "new-token, old-token"}).test_client()
    form = {"from": "+254711082001", "to": "21212", "text": "HELP", "date": "", "id": f"rotation-{given}"}
    assert client.post("/sms/inbound", query_string={"token": given}, data=form).status_code == status
    hop = {"sessionId": "ATUid_rot", "serviceCode": "*384*123#", "phoneNumber": "+254711082001", "text": ""}
    assert client.post("/ussd", query_string={"token": given}, data=hop).status_code == status


def test_the_simulator_sends_the_first_token_of_a_rotation(make_app):
    client = make_app(WEBHOOK_TOKEN="new-token,old-token").test_client()
    page = client.get("/simulator/").get_data(as_text=True)
    token = re.search(r'name="csrf-token" content="([^"]+)"', page).group(1)
    response = client.post("/simulator/ussd", data={"number": "+254799900001", "dial": "*384*123#"},
                           headers={"X-CSRF-Token": token})
    assert response.status_code == 200 and response.get_json()["screen"]


# Log lines as the service, werkzeug and gunicorn write them, and what must not be left in them.
LOG_LINES = [
    ('127.0.0.1 - - "POST /ussd?token=s3cret-token HTTP/1.1" 200 12', ["s3cret-token"]),
    ('"GET /simulator/inbox?number=%2B254711082001 HTTP/1.1" 200', ["254711082001", "711082001"]),
    ("inbound SMS from +254711082001: JOIN", ["254711082001"]),
    ("imported 0711082001 and 254722000111", ["0711082001", "254722000111"]),
    # a number after letters: a sender that is no phone number, as AT passes it on ("X0712345678")
    ("inbound SMS 25 from sender 'X0712345678' stored, not answered", ["0712345678", "712345678"]),
    ("sender O712345678 and Tel712345678", ["712345678"]),
    ("callback with apiKey=atsk_live_123&password=hunter2", ["atsk_live_123", "hunter2"]),
]


@pytest.mark.parametrize("line, hidden", LOG_LINES)
def test_log_lines_hide_secrets_and_numbers(line, hidden):
    written = _logged(lambda log: log.warning("%s", line))
    assert [secret for secret in hidden if secret in written] == []


def test_attacker_text_in_a_log_line_is_capped_and_cannot_forge_lines():
    written = _logged(lambda log: log.warning("bad callback text: %s", "x" * 60_000 + "\n2026-12-02 ERROR forged"))
    assert len(written) < MAX_LINE_CHARS + 200 and written.count("\n") == 1  # the line's own end only


def _logged(write):
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    log = logging.getLogger("sms_service.tests.redaction")
    handler.addFilter(RedactingFilter())
    log.addHandler(handler)
    try:
        write(log)
    finally:
        log.removeHandler(handler)
    return stream.getvalue()


def test_gunicorn_logs_no_token_and_no_number(app, tmp_path):
    """The Procfile's web process, with its access log on: a request carrying the token and a
    number in its query string leaves neither in anything gunicorn writes."""
    port = free_port()
    environment = {**os.environ, **as_environment(app.services.config), **PRODUCTION, "PORT": str(port),
                   "HOST": "127.0.0.1", "WEB_CONCURRENCY": "1", "GUNICORN_ACCESS_LOG": "-"}
    environment["PATH"] = f"{PROJECT_ROOT / '.venv' / 'bin'}{os.pathsep}{environment['PATH']}"
    output = tmp_path / "gunicorn.log"
    with open(output, "w") as log:
        web = subprocess.Popen(["gunicorn", "--config", "gunicorn.conf.py", "sms_service:create_app()"],
                               cwd=PROJECT_ROOT, env=environment, stdout=log, stderr=subprocess.STDOUT)
    try:
        url = f"http://127.0.0.1:{port}"
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                requests.get(f"{url}/healthz", timeout=2)
                break
            except requests.ConnectionError:
                time.sleep(0.2)
        hop = {"sessionId": "ATUid_log", "serviceCode": "*384*123#", "phoneNumber": "+254711082001", "text": ""}
        assert requests.post(f"{url}/ussd?token={TOKEN}&phoneNumber=%2B254711082001", data=hop, timeout=5).ok
        requests.get(f"{url}/sms/inbound?token={TOKEN}&from=0711082001", timeout=5)
    finally:
        web.terminate()
        web.wait(timeout=30)
    written = output.read_text()
    assert "POST /ussd?token=[redacted]" in written  # the access log is on, and redacted
    assert [secret for secret in (TOKEN, "254711082001", "0711082001") if secret in written] == []


def test_a_password_change_ends_every_login(app):
    make_role_accounts(app)
    eddie_here, eddie_there, admin = logged_in(app, "editor"), logged_in(app, "editor"), logged_in(app, "admin")
    with app.services.database.transaction() as session:
        eddie = session.scalar(select(StaffAccount.id).where(StaffAccount.username == "eddie"))
    assert eddie_here.get("/console/dashboard").status_code == 200
    assert post(admin, f"/console/accounts/{eddie}", {"change": "new-password"}).status_code == 200
    for client in (eddie_here, eddie_there):
        assert client.get("/console/dashboard").location.startswith("/console/login")
    assert admin.get("/console/dashboard").status_code == 200  # other accounts' logins go on


def test_a_password_change_from_the_command_line_ends_every_login(app):
    make_role_accounts(app)
    vera = logged_in(app, "viewer")
    result = app.test_cli_runner().invoke(args=["console", "set-password", "vera", "--password", "another long one"])
    assert result.exit_code == 0, result.output
    assert vera.get("/console/dashboard").location.startswith("/console/login")


def test_parallel_guesses_get_no_more_checks_than_the_limit(app):
    make_account(app, "vera", "viewer")
    clients = [app.test_client() for _ in range(40)]
    forms = [{"username": "vera", "password": f"guess {n}", "csrf_token": csrf(client)} for n, client in enumerate(clients)]
    with ThreadPoolExecutor(max_workers=40) as pool:
        statuses = list(pool.map(lambda pair: pair[0].post("/console/login", data=pair[1]).status_code,
                                 zip(clients, forms, strict=True)))
    assert (statuses.count(401), statuses.count(429)) == (MAX_FAILURES, 40 - MAX_FAILURES)


def _client_from(app, address):
    client = app.test_client()
    client.environ_base["REMOTE_ADDR"] = address
    return client


def test_one_address_is_slowed_down_across_accounts(app):
    make_account(app, "vera", "viewer")
    attacker = _client_from(app, "203.0.113.9")
    answers = [log_in(attacker, f"name{n}", "guess").status_code for n in range(MAX_FAILURES_PER_ADDRESS + 1)]
    assert answers == [401] * MAX_FAILURES_PER_ADDRESS + [429]
    assert log_in(attacker, "vera").status_code == 429  # even the right password, from there, for now
    elsewhere = _client_from(app, "198.51.100.7")
    assert log_in(elsewhere, "vera").status_code == 302  # the real user, from anywhere else


def test_guesses_from_one_address_do_not_lock_the_owner_out(app):
    make_account(app, "vera", "viewer")
    attacker = _client_from(app, "203.0.113.10")
    assert [log_in(attacker, "vera", "guess").status_code for _ in range(MAX_FAILURES + 1)][-1] == 429
    owner = _client_from(app, "198.51.100.9")
    assert log_in(owner, "vera").status_code == 302


def test_successful_logins_do_not_use_up_a_shared_address(app):
    make_account(app, "vera", "viewer")
    answers = [log_in(_client_from(app, "198.51.100.8"), "vera").status_code
               for _ in range(MAX_FAILURES_PER_ADDRESS + 2)]
    assert set(answers) == {302}


@pytest.mark.parametrize("trusted, forwarded, limited", [
    (0, lambda n: f"10.0.0.{n}", True),  # no proxy: the header is anyone's, ignored
    (1, lambda n: f"10.0.0.{n}", False),  # one proxy: its X-Forwarded-For names each client
    (1, lambda n: f"10.0.0.{n}, 192.0.2.1", True),  # a forged first hop: the proxy's own entry counts
])
def test_the_client_address_comes_from_trusted_proxies_only(make_app, trusted, forwarded, limited):
    app = make_app(TRUSTED_PROXIES=trusted)
    answers = [_log_in_with(app.test_client(), f"name{n}", headers={"X-Forwarded-For": forwarded(n)})
               for n in range(MAX_FAILURES_PER_ADDRESS + 1)]
    assert (answers[-1] == 429) is limited


def _log_in_with(client, username, **request):
    form = {"username": username, "password": "guess", "csrf_token": csrf(client)}
    return client.post("/console/login", data=form, **request).status_code


def test_security_headers(app):
    make_role_accounts(app)
    viewer, admin = logged_in(app, "viewer"), logged_in(app, "admin")
    answers = {
        "login": (app.test_client().get("/console/login"), True),
        "dashboard": (viewer.get("/console/dashboard"), True),
        "export": (admin.get("/console/subscribers/export.csv"), True),
        "landing": (app.test_client().get("/"), False),
        "simulator": (app.test_client().get("/simulator/"), True),
    }
    for name, (response, private) in answers.items():
        csp = response.headers.get("Content-Security-Policy", "")
        assert "frame-ancestors 'none'" in csp and "unsafe-inline" not in csp and "script-src 'self'" in csp, name
        assert response.headers["X-Content-Type-Options"] == "nosniff", name
        assert response.headers["Referrer-Policy"] == "same-origin", name
        assert ("no-store" in response.headers.get("Cache-Control", "")) is private, name


@pytest.mark.parametrize("path", ["/console/dashboard", "/console/broadcasts", "/console/subscribers",
                                  "/console/accounts", "/console/quizzes", "/console/inbound",
                                  "/console/flows", "/console/audit", "/console/broadcasts/new"])
def test_console_pages_have_no_inline_script_or_style(app, path):
    make_role_accounts(app)
    page = logged_in(app, "admin").get(path).get_data(as_text=True)
    assert re.findall(r"<script(?![^>]*\ssrc=)|<style|\sstyle=|\son[a-z]+=", page) == []


@pytest.mark.parametrize("base_url, secure", [("https://console.example", True), ("http://localhost", False)])
def test_the_cookie_is_secure_over_https(app, base_url, secure):
    make_account(app, "vera", "viewer")
    client = app.test_client()
    page = client.get("/console/login", base_url=base_url).get_data(as_text=True)
    token = re.search(r'name="csrf-token" content="([^"]+)"', page).group(1)
    # Over HTTPS, Flask-WTF also wants the Referer of a page of this site, as a browser sends it.
    response = client.post("/console/login", base_url=base_url, headers={"Referer": f"{base_url}/console/login"},
                           data={"username": "vera", "password": PASSWORD, "csrf_token": token})
    assert response.status_code == 302
    cookie = response.headers["Set-Cookie"]
    assert ("; Secure" in cookie) is secure and "HttpOnly" in cookie


def test_two_factor_login(app):
    make_role_accounts(app)
    result = app.test_cli_runner().invoke(args=["console", "two-factor", "eddie"])
    assert result.exit_code == 0 and "otpauth://totp/" in result.output
    with app.services.database.transaction() as session:
        secret = session.scalar(select(StaffAccount.totp_secret).where(StaffAccount.username == "eddie"))
    code = pyotp.TOTP(secret).at(app.services.clock.now())
    assert log_in(app.test_client(), "eddie").status_code == 401  # the password alone
    assert log_in(app.test_client(), "eddie", code="000000" if code != "000000" else "111111").status_code == 401
    assert log_in(app.test_client(), "eddie", code=code).status_code == 302
    assert log_in(app.test_client(), "eddie", code=code).status_code == 401  # a code works once
    viewer = app.test_cli_runner().invoke(args=["console", "two-factor", "vera"])
    assert viewer.exit_code != 0 and "editors and admins" in viewer.output


def test_switching_two_factor_on_ends_every_login(app):
    make_role_accounts(app)
    admin = logged_in(app, "admin")
    assert app.test_cli_runner().invoke(args=["console", "two-factor", "ada"]).exit_code == 0
    assert admin.get("/console/dashboard").location.startswith("/console/login")


def test_a_login_without_two_factor_still_works(app):
    make_account(app, "vera", "viewer")
    assert log_in(app.test_client(), "vera", PASSWORD).status_code == 302
    with app.services.database.transaction() as session:
        account = accounts.find_account(session, "vera")
        assert account.totp_secret is None


# The local gateway is its own app on its own port (demo mode only): what the attack found in
# /local-at (a forged Host made the service post its token anywhere; one 54 KB request grew Redis
# by 77 MiB) cannot happen there, and the gateway itself takes only bounded requests.
def test_the_service_mounts_no_gateway(app):
    forged = app.test_client().post("/local-at/version1/messaging", headers={"apiKey": "x", "Host": "evil.example:9"},
                                    data={"username": "sandbox", "to": "+254711082001", "message": "hi"})
    assert forged.status_code == 404


def _gateway(app, **settings):
    from sms_service.channels.africastalking.local_gateway import create_gateway_app

    return create_gateway_app({**app.services.config, "LOCAL_GATEWAY_DLR_DELAY_MS": -1, **settings},
                              app.services.redis).test_client()


@pytest.mark.parametrize("to, message, status, reason", [
    ("+254711082001", "Habari", 201, ""),
    ("0711082001", "Habari", 400, "E.164"),
    ("+254711082001,evil.example", "Habari", 400, "E.164"),
    ("+254711082001," * 4 + "+254711082001", "Habari", 400, "at most 4 recipients"),
    ("+254711082001", "x" * 1601, 400, "longer than 1600"),
])
def test_the_local_gateway_takes_only_bounded_requests(app, to, message, status, reason):
    response = _gateway(app, BROADCAST_BATCH_SIZE=4).post(
        "/version1/messaging", headers={"apiKey": "x"}, data={"username": "sandbox", "to": to, "message": message})
    assert response.status_code == status and reason in response.get_data(as_text=True)


def test_the_local_gateway_refuses_a_huge_body(app):
    response = _gateway(app).post("/version1/messaging", headers={"apiKey": "x"},
                                  data={"username": "sandbox", "to": "+254711082001", "message": "x" * 200_000})
    assert response.status_code == 413


def test_the_local_gateway_keeps_a_bounded_expiring_store(app):
    from sms_service.channels.africastalking.local_gateway import INBOX_KEY, KEEP_SECONDS, OUTBOX_KEY, RECEIVED_KEY

    response = _gateway(app).post("/version1/messaging", headers={"apiKey": "x"},
                                  data={"username": "sandbox", "to": "+254711082001", "message": "Habari"})
    assert response.status_code == 201
    redis = app.services.redis
    for key in (OUTBOX_KEY, RECEIVED_KEY, INBOX_KEY.format(number="+254711082001")):
        assert 0 < redis.ttl(key) <= KEEP_SECONDS, key


def test_the_local_gateway_reports_to_the_configured_url_only(app):
    from sms_service.channels.africastalking.local_gateway import delivery_report_url

    config = {**app.services.config, "PORT": "8123", "LOCAL_GATEWAY_DLR_URL": "", "WEBHOOK_TOKEN": "new,old"}
    assert delivery_report_url(config) == "http://127.0.0.1:8123/sms/delivery-reports?token=new"
    config["LOCAL_GATEWAY_DLR_URL"] = "http://web.internal:8000/sms/delivery-reports"
    assert delivery_report_url(config) == "http://web.internal:8000/sms/delivery-reports?token=new"


# The simulator (demo mode only) once showed anyone's thread, signed the petition and sent STOP
# as any number: it acts for test numbers (SIMULATOR_PREFIX) only.
@pytest.mark.parametrize("method, path, fields", [
    ("get", "/simulator/inbox", {}),
    ("post", "/simulator/ussd", {"dial": "*384*123#"}),
    ("post", "/simulator/sms", {"text": "STOP"}),
])
@pytest.mark.parametrize("number", ["+254711082001", "0711082001", "+2547999"])
def test_the_simulator_acts_for_test_numbers_only(app, run_jobs, method, path, fields, number):
    client = app.test_client()
    page = client.get("/simulator/").get_data(as_text=True)
    token = re.search(r'name="csrf-token" content="([^"]+)"', page).group(1)
    if method == "get":
        response = client.get(path, query_string={"number": number})
    else:
        response = client.post(path, data={"number": number, **fields}, headers={"X-CSRF-Token": token})
    assert response.status_code == 400 and "number" in response.get_json()["error"]
    run_jobs(app)
    with app.services.database.transaction() as session:
        assert session.scalars(select(Subscriber).where(Subscriber.suppressed_at.is_not(None))).all() == []


def test_the_simulator_offers_a_test_number(app):
    page = app.test_client().get("/simulator/").get_data(as_text=True)
    number = re.search(r'id="number" value="([^"]+)"', page).group(1)
    assert number.startswith(app.config["SIMULATOR_PREFIX"]) and len(number) == 13


def test_test_numbers_stay_out_of_statistics_exports_and_audiences(live_app):
    from sms_service.domain.campaigns.subscriptions import subscribe
    from tests.broadcast_helpers import BROADCAST_SETTINGS, make_broadcast, received, rows, send_now

    app = live_app(**BROADCAST_SETTINGS)
    real, test = "+254711000001", "+254799900001"
    make_role_accounts(app)
    with app.services.database.transaction() as session:
        for phone in (real, test):
            subscribe(session, phone=phone, topic="torture", consent=True, channel="ussd", language="en",
                      now=app.services.clock.now())
    admin = logged_in(app, "admin")
    dashboard = admin.get("/console/dashboard").get_data(as_text=True)
    assert '<div class="figure" id="subscribers">1</div>' in dashboard
    export = admin.get("/console/subscribers/export.csv").get_data(as_text=True)
    assert real in export and test not in export
    broadcast_id = make_broadcast(app, topics=["torture"])
    send_now(app, broadcast_id)
    assert set(rows(app, broadcast_id)) == {real} and received(app, test) == []
