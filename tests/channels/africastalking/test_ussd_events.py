"""AT's USSD end-of-session notification (`POST /ussd/events`), as a table: the exact form body
AT posts, in, through the real app (real Redis, real database); the exact status and body, and the
journey row stored, out. The sessions walk the real menu through `POST /ussd` first."""

from datetime import UTC, datetime
from urllib.parse import urlencode

import pytest
from sqlalchemy import select

from sms_service.core.clock import ManualClock, parse_local_time
from sms_service.core.models import UssdJourney

FORM = "application/x-www-form-urlencoded"
NUMBER = "+254711082001"
SESSION = "ATUid_events_1"
START = parse_local_time("2026-12-01 10:00")


def notification(session=SESSION, phone=NUMBER, **fields):
    """A notification as AT sends it; `field=None` leaves a field out."""
    body = {"sessionId": session, "serviceCode": "*384*123#", "networkCode": "63902", "phoneNumber": phone,
            "status": "Success", "cost": "KES 0.0000", "durationInMillis": "48210", "hopsCount": "3",
            "input": "1*1", "lastAppResponse": "CON Torture is severe pain", "errorMessage": "",
            "date": "2026-12-01 07:01:12"}
    body.update(fields)
    return urlencode({key: value for key, value in body.items() if value is not None})


def hop(client, text, session=SESSION, phone=NUMBER):
    form = {"sessionId": session, "serviceCode": "*384*123#", "phoneNumber": phone, "networkCode": "63902",
            "text": text}
    response = client.post("/ussd", data=urlencode(form), content_type=FORM)
    assert response.status_code == 200
    return response.get_data(as_text=True)


def stored(database):
    with database.transaction() as session:
        return session.execute(
            select(UssdJourney.session_id, UssdJourney.status, UssdJourney.closed_by, UssdJourney.path,
                   UssdJourney.refused, UssdJourney.hops, UssdJourney.duration_ms, UssdJourney.cost,
                   UssdJourney.error_message, UssdJourney.network, UssdJourney.language)
            .order_by(UssdJourney.session_id)
        ).all()


@pytest.fixture
def app(make_app):
    return make_app(clock=ManualClock(START))


WALKED = ("home", "torture", "torture_what")  # texts "", "1", "1*1"

# (name, body, (status, body), rows stored)
VECTORS = [
    ("success", notification(),
     (200, "ok: stored\n"),
     [(SESSION, "success", "at", list(WALKED), [], 3, 48210, "KES 0.0000", None, "63902", "en")]),
    ("unknown fields are ignored", notification(newField="x", sessionCost="1"),
     (200, "ok: stored\n"),
     [(SESSION, "success", "at", list(WALKED), [], 3, 48210, "KES 0.0000", None, "63902", "en")]),
    ("incomplete, no cost", notification(status="Incomplete", cost=None),
     (200, "ok: stored\n"),
     [(SESSION, "incomplete", "at", list(WALKED), [], 3, 48210, None, None, "63902", "en")]),
    ("failed with AT's error", notification(status="Failed", errorMessage="Application response timed out"),
     (200, "ok: stored\n"),
     [(SESSION, "failed", "at", list(WALKED), [], 3, 48210, "KES 0.0000", "Application response timed out",
       "63902", "en")]),
    ("a session we never saw", notification(session="ATUid_unknown", hopsCount="1"),
     (200, "ok: stored\n"),
     [("ATUid_unknown", "success", "at", [], [], 1, 48210, "KES 0.0000", None, "63902", None)]),
    ("another number than the session's: no path", notification(phone="+254722000111"),
     (200, "ok: stored\n"),
     [(SESSION, "success", "at", [], [], 3, 48210, "KES 0.0000", None, "63902", None)]),
    ("no sessionId", notification(sessionId=None), (400, "bad request: missing field 'sessionId'\n"), []),
    ("empty sessionId", notification(session=" "), (400, "bad request: field 'sessionId' is empty\n"), []),
    ("sessionId too long", notification(session="A" * 101),
     (400, "bad request: field 'sessionId' is longer than 100 characters\n"), []),
    ("unknown status", notification(status="Done"),
     (400, "bad request: field 'status' is 'Done', not one of Success, Incomplete, Failed\n"), []),
    ("status in lower case", notification(status="success"),
     (400, "bad request: field 'status' is 'success', not one of Success, Incomplete, Failed\n"), []),
    ("hops not a number", notification(hopsCount="three"),
     (400, "bad request: field 'hopsCount' is 'three', not a whole number\n"), []),
    ("negative duration", notification(durationInMillis="-5"),
     (400, "bad request: field 'durationInMillis' is '-5', not a whole number\n"), []),
    ("cost not an amount", notification(cost="free"),
     (400, "bad request: field 'cost' is 'free', not an amount such as 'KES 0.0000'\n"), []),
    ("not a phone number", notification(phone="hello"),
     (400, "bad request: field 'phoneNumber': not a phone number: (1) The string supplied did not seem to be a "
           "phone number.\n"), []),
]


@pytest.mark.parametrize("name, body, answer, rows", VECTORS, ids=[vector[0] for vector in VECTORS])
def test_notification_vectors(app, client, database, name, body, answer, rows):
    for text in ("", "1", "1*1"):
        hop(client, text)
    response = client.post("/ussd/events", data=body, content_type=FORM)
    assert (response.status_code, response.get_data(as_text=True)) == answer
    assert [tuple(row) for row in stored(database)] == rows


def test_a_repeated_notification_is_stored_once(app, client, database):
    hop(client, "")
    first = client.post("/ussd/events", data=notification(hopsCount="1"), content_type=FORM)
    again = client.post("/ussd/events", data=notification(hopsCount="1", status="Failed"), content_type=FORM)
    assert (first.get_data(as_text=True), again.get_data(as_text=True)) == ("ok: stored\n", "ok: repeat\n")
    assert [row.status for row in stored(database)] == ["success"]


def test_typed_input_and_the_last_screen_are_never_kept(app, client, database):
    hop(client, "")
    hop(client, "4")  # the petition: a name is typed next
    hop(client, "4*Wanjiru Kamau")
    response = client.post("/ussd/events", data=notification(status="Incomplete", input="4*Wanjiru Kamau",
                                                             lastAppResponse="CON Type your county"),
                           content_type=FORM)
    assert response.status_code == 200
    with database.transaction() as session:
        journey = session.execute(select(UssdJourney)).scalar_one()
        kept = [str(getattr(journey, column.name)) for column in UssdJourney.__table__.columns]
    assert journey.path == ["home", "petition_name", "petition_county"]
    assert not any("Wanjiru" in value or NUMBER in value or "county" in value.lower() and "Type" in value
                   for value in kept)
    assert journey.phone_key == app.services.phone_keys.key(NUMBER)


def test_refused_answers_are_counted_by_screen(app, client, database):
    for text in ("", "9", "9*1", "9*1*1", "9*1*1*7"):  # 9: no such option on home; 7: none on torture
        hop(client, text)
    client.post("/ussd/events", data=notification(status="Incomplete", hopsCount="5"), content_type=FORM)
    [row] = stored(database)
    assert (row.path, row.refused) == (["home", "home", "torture", "torture_what", "torture_what"],
                                       ["home", "torture_what"])


@pytest.mark.parametrize("token, status", [("", 403), ("wrong", 403), ("s3cret", 200)])
def test_the_token_is_checked_as_on_ussd(make_app, token, status):
    app = make_app(clock=ManualClock(START), WEBHOOK_TOKEN="s3cret")
    response = app.test_client().post(f"/ussd/events?token={token}", data=notification(), content_type=FORM)
    assert response.status_code == status


def test_another_service_code_is_refused(make_app):
    app = make_app(clock=ManualClock(START), USSD_SERVICE_CODE="*384*999#")
    response = app.test_client().post("/ussd/events", data=notification(), content_type=FORM)
    assert (response.status_code, response.get_data(as_text=True)) == (
        400, "bad request: serviceCode '*384*123#' is not ours\n")


def test_a_body_too_large_is_refused(client):
    response = client.post("/ussd/events", data=notification(errorMessage="x" * 70_000), content_type=FORM)
    assert response.status_code == 413


def test_started_at_comes_from_the_first_hop(app, client, database):
    hop(client, "")
    app.services.clock.advance(seconds=40)
    client.post("/ussd/events", data=notification(hopsCount="1"), content_type=FORM)
    with database.transaction() as session:
        journey = session.execute(select(UssdJourney)).scalar_one()
    assert (journey.started_at.replace(tzinfo=UTC), journey.ended_at.replace(tzinfo=UTC)) == (
        START, datetime(2026, 12, 1, 7, 0, 40, tzinfo=UTC))
