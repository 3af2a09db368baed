"""What POST /ussd answers to callbacks it cannot act on, and when its stores are down."""

import io
from urllib.parse import urlencode

import pytest
from sqlalchemy import func, select

from sms_service.core.models import PetitionSignature
from tests.ussd_phone import SERVICE_CODE, UssdPhone

GOOD = {
    "sessionId": "ATUid_edge_1",
    "serviceCode": SERVICE_CODE,
    "phoneNumber": "+254712345678",
    "networkCode": "63902",
    "text": "",
}

APOLOGY = "END Sorry, the service is unavailable. Please try again later.\nSamahani"


def without(field):
    return {key: value for key, value in GOOD.items() if key != field}


def changed(**fields):
    return {**GOOD, **fields}


@pytest.mark.parametrize(
    "form, reason",
    [
        (without("sessionId"), "missing field 'sessionId'"),
        (without("serviceCode"), "missing field 'serviceCode'"),
        (without("phoneNumber"), "missing field 'phoneNumber'"),
        (without("text"), "missing field 'text'"),
        (changed(sessionId="  "), "field 'sessionId' is empty"),
        (changed(phoneNumber=""), "field 'phoneNumber' is empty"),
        (changed(phoneNumber="not-a-number"), "field 'phoneNumber': not a phone number"),
        (changed(phoneNumber="+2547"), "field 'phoneNumber'"),
        (changed(text="1*" * 4001), "field 'text' is longer than 8000 characters"),
        (changed(sessionId="x" * 1001), "field 'sessionId' is longer than 100 characters"),
        # as /ussd/events and the journey's column: one too long for it is refused at its first hop
        (changed(sessionId="ATUid_" + "x" * 95), "field 'sessionId' is longer than 100 characters"),
        ({}, "missing field 'sessionId'"),
    ],
)
def test_malformed_callbacks_get_400_with_a_reason(client, form, reason):
    response = client.post("/ussd", data=form)
    assert response.status_code == 400
    assert reason in response.get_data(as_text=True)


def test_a_json_body_is_refused_with_a_reason(client):
    response = client.post("/ussd", json=GOOD)
    assert response.status_code == 400
    assert "missing field 'sessionId'" in response.get_data(as_text=True)


@pytest.mark.parametrize("method", ["GET", "PUT", "DELETE"])
def test_only_post_is_allowed(client, method):
    response = client.open("/ussd", method=method, data=GOOD)
    assert response.status_code == 405
    assert response.headers["Allow"] == "POST"


def test_other_paths_still_go_to_flask(client):
    assert client.post("/ussd/", data=GOOD).status_code == 404
    assert client.get("/healthz").status_code == 200


ENCODED = urlencode(GOOD).encode()
URLENCODED = "application/x-www-form-urlencoded"


def post_raw(app, body, content_type=URLENCODED, content_length=None):
    """POST /ussd with exactly these bytes and headers, as a WSGI server hands them over."""
    environ = {
        "REQUEST_METHOD": "POST", "PATH_INFO": "/ussd", "QUERY_STRING": "", "SERVER_NAME": "127.0.0.1",
        "SERVER_PORT": "80", "SERVER_PROTOCOL": "HTTP/1.1", "wsgi.url_scheme": "http",
        "wsgi.input": io.BytesIO(body), "wsgi.errors": io.StringIO(), "CONTENT_TYPE": content_type,
        "CONTENT_LENGTH": str(len(body) if content_length is None else content_length),
    }
    started = []
    body = b"".join(app(environ, lambda status, headers, exc_info=None: started.append((status, headers))))
    return int(started[0][0].split()[0]), dict(started[0][1]), body.decode()


@pytest.mark.parametrize(
    "body, content_type, status, fragment",
    [
        (ENCODED, URLENCODED, 200, "CON Haki Yetu"),
        (ENCODED, URLENCODED + "; charset=UTF-8", 200, "CON Haki Yetu"),
        (ENCODED + b"&sessionId=second", URLENCODED, 200, "CON Haki Yetu"),  # the first value counts
        (ENCODED.replace(b"text=", b"text=4%2ANj%C3%A9ri"), URLENCODED, 200, "CON "),  # UTF-8 answers
        (ENCODED.replace(b"text=", b"text=%FF"), URLENCODED, 400, "not valid UTF-8"),
        (ENCODED.replace(b"text=", b"text=\xe9t\xe9"), URLENCODED, 400, "not valid UTF-8"),  # Latin-1
        (b"", URLENCODED, 400, "missing field 'sessionId' (AT sends application/x-www-form-urlencoded)"),
        (b'{"sessionId": "ATUid_edge_1"}', "application/json", 400, "missing field 'sessionId'"),
    ],
    ids=["form", "charset", "repeated-field", "utf8-answer", "bad-escape", "latin1", "empty", "json"],
)
def test_raw_bodies(app, body, content_type, status, fragment):
    answered, headers, text = post_raw(app, body, content_type)
    assert (answered, headers["Content-Type"]) == (status, "text/plain; charset=utf-8")
    assert fragment in text
    assert headers["Content-Length"] == str(len(text.encode()))


@pytest.mark.parametrize("config, limit", [({}, 64 * 1024), ({"MAX_CONTENT_LENGTH": 1024}, 1024)])
def test_a_body_over_the_limit_is_refused(make_app, config, limit):
    client = make_app(**config).test_client()
    assert client.post("/ussd", data=changed(text="1" * (limit - 200))).status_code != 413  # 400 past 8000
    response = client.post("/ussd", data=changed(text="1" * limit))
    assert response.status_code == 413
    assert response.get_data(as_text=True) == "too large: AT's callbacks are a few hundred bytes\n"


def test_a_multipart_form_is_read_too(client):
    response = client.post("/ussd", data=GOOD, content_type="multipart/form-data")
    assert response.get_data(as_text=True).startswith("CON Haki Yetu")


def test_nothing_past_content_length_is_read(app):
    cut = ENCODED.index(b"&text=")  # the body goes on past what the client declared
    answered, _, text = post_raw(app, ENCODED, content_length=cut)
    assert (answered, text) == (400, "bad request: missing field 'text'\n")


@pytest.mark.parametrize(
    "query, status",
    [("", 403), ("?token=wrong", 403), ("?token=", 403), ("?token=s3cret", 200),
     ("?other=1&token=s3cret", 200), ("?token=s3cret&token=wrong", 200), ("?token=s3cr%C3%A9t", 403)],
)
def test_webhook_token_is_required_when_configured(make_app, query, status):
    client = make_app(WEBHOOK_TOKEN="s3cret").test_client()
    response = client.post("/ussd" + query, data=GOOD)
    assert response.status_code == status
    if status == 403:
        assert "token" in response.get_data(as_text=True)


def test_callbacks_for_another_service_code_are_refused(make_app):
    client = make_app(USSD_SERVICE_CODE="*384*999#").test_client()
    response = client.post("/ussd", data=GOOD)
    assert response.status_code == 400
    assert "serviceCode" in response.get_data(as_text=True)
    assert client.post("/ussd", data=changed(serviceCode="*384*999#")).status_code == 200


def test_responses_are_plain_text_without_a_trailing_newline(client):
    response = client.post("/ussd", data=GOOD)
    assert response.mimetype == "text/plain"
    assert response.get_data(as_text=True).startswith("CON ")
    assert not response.get_data(as_text=True).endswith("\n")  # AT would show an empty line


DOWN = {
    "redis": {"REDIS_URL": "redis://127.0.0.1:1/0"},
    "database": {"DATABASE_URL": "postgresql://nobody@127.0.0.1:1/none"},
}


@pytest.mark.parametrize("store", sorted(DOWN))
def test_an_unreachable_store_gets_an_apology_screen(make_app, caplog, store):
    client = make_app(**DOWN[store]).test_client()
    response = client.post("/ussd", data=GOOD)
    assert response.status_code == 200
    assert response.get_data(as_text=True).startswith(APOLOGY)
    assert "USSD hop failed for +254712***678" in caplog.text
    assert "+254712345678" not in caplog.text  # numbers are masked in logs


def test_a_database_failure_mid_journey_loses_nothing_on_retry(make_app, database):
    """The hop that fails is not recorded, so AT's retry on a healthy service signs once."""
    broken = make_app(**DOWN["database"]).test_client()
    healthy = make_app().test_client()
    phone = UssdPhone(healthy, "0712345678")
    phone.dial().answer_all("4", "Wanjiku Kamau", "Nyeri")

    phone.client = broken
    phone.answer("1")
    assert phone.screen.startswith(APOLOGY)

    phone.client = healthy
    phone.repeat().assert_see("Thank you, Wanjiku Kamau")
    with database.transaction() as session:
        assert session.execute(select(func.count()).select_from(PetitionSignature)).scalar_one() == 1
