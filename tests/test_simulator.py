"""The phone simulator: USSD hops and SMS go through the real webhooks (with WEBHOOK_TOKEN when
set), and the inbox shows what the local gateway delivered to the number."""

import re

import pytest

from sms_service.web.simulator import SimulatorError, dialled_shortcuts
from tests.broadcast_helpers import wait_until

NUMBER = "+254799900100"  # SIMULATOR_PREFIX's default is +25479990


def csrf_of(client):
    page = client.get("/simulator/").get_data(as_text=True)
    return re.search(r'name="csrf-token" content="([^"]+)"', page).group(1)


class SimulatedPhone:
    def __init__(self, client, number=NUMBER):
        self.client, self.number, self.token = client, number, csrf_of(client)
        self.session_id, self.answers = None, []

    def post(self, path, **fields):
        return self.client.post(path, data={"number": self.number, **fields}, headers={"X-CSRF-Token": self.token})

    def dial(self, code="*384*123#"):
        reply = self.post("/simulator/ussd", dial=code).get_json()
        self.session_id, self.answers = reply.get("session_id"), [reply["text"]] if reply.get("text") else []
        return reply

    def answer(self, value):
        self.answers.append(value)
        return self.post("/simulator/ussd", session_id=self.session_id, text="*".join(self.answers)).get_json()

    def text(self, message):
        return self.post("/simulator/sms", text=message)

    def inbox(self):
        return self.client.get(f"/simulator/inbox?number={self.number}").get_json()["messages"]


@pytest.mark.parametrize("dialled, text", [
    ("*384*123#", ""), ("*384*123*4#", "4"), (" *384*123*3*1# ", "3*1"),
])
def test_a_dialled_string_becomes_the_text_at_would_send(dialled, text):
    assert dialled_shortcuts(dialled, "*384*123#") == text


@pytest.mark.parametrize("dialled", ["*100#", "*384*12#", "*384*123*#", "384123"])
def test_another_code_is_refused(dialled):
    with pytest.raises(SimulatorError, match=r"unknown service code: dial \*384\*123#"):
        dialled_shortcuts(dialled, "*384*123#")


@pytest.mark.parametrize("token", ["", "s3cret"])
def test_a_ussd_walk_goes_through_the_webhook_and_signs_the_petition(make_app, token):
    app = make_app(WEBHOOK_TOKEN=token)
    phone = SimulatedPhone(app.test_client())
    first = phone.dial()
    assert first["screen"].startswith("Haki Yetu") and not first["ended"]
    assert "full name" in phone.answer("4")["screen"]
    phone.answer("Wanjiru Kamau")
    phone.answer("Kisumu")
    assert phone.answer("1")["ended"]
    from sms_service.core.models import PetitionSignature
    with app.services.database.transaction() as session:
        [signature] = session.query(PetitionSignature).all()
    assert (signature.full_name, signature.county, signature.channel) == ("Wanjiru Kamau", "Kisumu", "ussd")
    if token:  # the simulator's token is the one the webhook wants: a caller without it is refused
        assert app.test_client().post("/ussd", data={"sessionId": "x"}).status_code == 403


def test_shortcuts_in_the_dialled_code_are_replayed(app):
    phone = SimulatedPhone(app.test_client())
    assert "full name" in phone.dial("*384*123*4#")["screen"]


@pytest.mark.parametrize("fields, reason", [
    ({"number": "12"}, "this phone's number"),
    ({"dial": "*100#"}, "unknown service code"),
    ({"session_id": "ATUid_real", "text": "1"}, "dial the code first"),
])
def test_bad_input_gets_a_reason_not_a_500(app, fields, reason):
    phone = SimulatedPhone(app.test_client())
    response = phone.client.post("/simulator/ussd", data={"number": NUMBER, **fields}, headers={"X-CSRF-Token": phone.token})
    assert response.status_code == 400 and reason in response.get_json()["error"]


def test_a_post_without_the_pages_token_is_refused(app):
    response = app.test_client().post("/simulator/sms", data={"number": NUMBER, "text": "JOIN"})
    assert response.status_code == 400


def test_an_sms_is_answered_by_a_worker_through_the_local_gateway(live_app, run_jobs):
    app = live_app(WEBHOOK_TOKEN="s3cret")
    phone = SimulatedPhone(app.test_client())
    assert phone.text("HELP").get_json() == {"sent": True}
    assert run_jobs(app)
    wait_until(lambda: len(phone.inbox()) == 2, what="the reply in the inbox")
    sent, reply = phone.inbox()
    assert (sent["from_phone"], sent["text"]) == (True, "HELP")
    assert reply["from_phone"] is False and "JOIN" in reply["text"]
    wait_until(lambda: phone.inbox()[1]["status"] == "delivered", what="the delivery report")


@pytest.mark.parametrize("at_api_key", ["a-real-key", ""])
def test_the_simulator_is_not_there_outside_demo_mode(make_app, at_api_key):
    app = make_app(DEMO_MODE="", AT_API_KEY=at_api_key, WEBHOOK_TOKEN="t0ken", SECRET_KEY="k" * 32)
    assert app.test_client().get("/simulator/").status_code == 404


def _journeys(app):
    from sqlalchemy import select

    from sms_service.core.models import UssdJourney
    with app.services.database.transaction() as session:
        return session.execute(select(UssdJourney.status, UssdJourney.closed_by, UssdJourney.path, UssdJourney.hops,
                                      UssdJourney.duration_ms).order_by(UssdJourney.id)).all()


@pytest.mark.parametrize("token", ["", "s3cret"])
def test_a_simulated_session_that_ends_posts_ats_notification(make_app, token):
    app = make_app(WEBHOOK_TOKEN=token)
    phone = SimulatedPhone(app.test_client())
    phone.dial()
    phone.answer("5")
    phone.answer("1")
    assert phone.post("/simulator/ussd", session_id=phone.session_id, text="5*1*1", elapsed_ms="12000").get_json()["ended"]
    assert [tuple(row) for row in _journeys(app)] == [
        ("success", "at", ["home", "updates", "updates_consent", "updates_subscribed"], 4, 12000)]


def test_a_cancelled_simulated_session_is_incomplete(app):
    phone = SimulatedPhone(app.test_client())
    phone.dial()
    phone.answer("1")
    response = phone.post("/simulator/ussd/end", session_id=phone.session_id, text="1", elapsed_ms="5000")
    assert response.get_json() == {"ended": True}
    assert [tuple(row) for row in _journeys(app)] == [("incomplete", "at", ["home", "torture"], 2, 5000)]
    refused = phone.post("/simulator/ussd/end", session_id="ATUid_real", text="")
    assert refused.status_code == 400 and "no USSD session" in refused.get_json()["error"]
