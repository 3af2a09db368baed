"""The SMS webhooks with AT's own payloads: inbound, delivery reports, opt-outs."""

from urllib.parse import urlencode

import pytest
from sqlalchemy import select

from sms_service.core.models import Consent, InboundMessage, OutboundMessage, Subscriber, utcnow
from tests import at_payloads


def stored(database, model):
    with database.transaction() as session:
        return session.execute(select(model).order_by(model.id)).scalars().all()


def test_an_inbound_message_is_stored_then_queued(client, app, database):
    response = client.post("/sms/inbound", data=at_payloads.INBOUND)
    assert (response.status_code, response.get_data(as_text=True)) == (200, "ok\n")
    [message] = stored(database, InboundMessage)
    assert (message.at_id, message.phone, message.shortcode, message.text, message.link_id) == (
        at_payloads.INBOUND["id"], "+254711082001", "21212", "JOIN", "SampleLinkId123"
    )
    assert message.handled_at is None
    assert app.services.queues["replies"].job_ids == [f"inbound-{message.id}"]  # replies go first


def test_the_same_inbound_id_twice_is_stored_once(client, database):
    assert client.post("/sms/inbound", data=at_payloads.INBOUND).status_code == 200
    again = client.post("/sms/inbound", data=at_payloads.INBOUND)
    assert (again.status_code, again.get_data(as_text=True)) == (200, "ok: already received\n")
    assert len(stored(database, InboundMessage)) == 1


def test_an_inbound_message_survives_redis_being_down(make_app, database):
    client = make_app(REDIS_URL="redis://127.0.0.1:1/0").test_client()
    response = client.post("/sms/inbound", data=at_payloads.INBOUND)
    assert response.status_code == 200
    assert len(stored(database, InboundMessage)) == 1  # kept for `flask sms handle-pending`


def test_an_inbound_message_gets_503_when_it_cannot_be_stored(make_app):
    client = make_app(DATABASE_URL="postgresql://nobody@127.0.0.1:1/none").test_client()
    response = client.post("/sms/inbound", data=at_payloads.INBOUND)
    assert response.status_code == 503  # AT retries; nothing is acknowledged and lost


@pytest.mark.parametrize("sender", ["MPESA", "Safaricom", "M-PESA", "KCB", "EQUITY BANK", "Airtel", "22384", "40404",
                                    "456", "12345678"])
def test_a_sender_that_is_not_a_phone_is_stored_and_never_answered(app, client, database, run_jobs, sender):
    form = {**at_payloads.INBOUND, "from": sender, "text": "STOP"}  # even a STOP: nobody to opt out
    response = client.post("/sms/inbound", data=form)
    assert (response.status_code, response.get_data(as_text=True)) == (
        200, "ok: stored; the sender is not a phone number, so it is not answered\n")
    [message] = stored(database, InboundMessage)
    assert (message.phone, message.text, message.outcome) == (sender, "STOP", "sender_not_a_phone")
    assert message.handled_at is not None
    assert app.services.queues["replies"].job_ids == []
    run_jobs(app)
    assert stored(database, OutboundMessage) == [] and stored(database, Subscriber) == []
    assert client.post("/sms/inbound", data=form).get_data(as_text=True) == "ok: already received\n"


def test_the_worker_never_answers_a_stored_sender_that_is_not_a_phone(app, database, run_jobs):
    from sms_service.domain.messaging.inbound import queue_inbound

    with database.transaction() as session:  # stored by an older version, still waiting
        message = InboundMessage(at_id="old-1", phone="MPESA", shortcode="21212", text="JOIN", received_at=utcnow())
        session.add(message)
    queue_inbound(app.services.queues, message.id)
    run_jobs(app)
    [stored_message] = stored(database, InboundMessage)
    assert stored_message.outcome == "sender_not_a_phone" and stored_message.handled_at is not None
    assert stored(database, OutboundMessage) == [] and stored(database, Subscriber) == []


def without(payload, field):
    return {key: value for key, value in payload.items() if key != field}


@pytest.mark.parametrize(
    "url, form, reason",
    [
        ("/sms/inbound", without(at_payloads.INBOUND, "from"), "missing field 'from'"),
        ("/sms/inbound", without(at_payloads.INBOUND, "id"), "missing field 'id'"),
        ("/sms/inbound", without(at_payloads.INBOUND, "text"), "missing field 'text'"),
        ("/sms/inbound", {**at_payloads.INBOUND, "from": "+25471"}, "field 'from': not a valid phone number"),
        ("/sms/inbound", {**at_payloads.INBOUND, "from": "<script>"}, "field 'from': not a phone number"),
        ("/sms/inbound", {**at_payloads.INBOUND, "from": "TWELVECHARSX"}, "field 'from': not a phone number"),
        ("/sms/inbound", {**at_payloads.INBOUND, "from": "12"}, "field 'from': not a valid phone number"),
        ("/sms/inbound", {}, "missing field 'from'"),
        ("/sms/delivery-reports", without(at_payloads.DELIVERY_REPORT, "status"), "missing field 'status'"),
        ("/sms/delivery-reports", {**at_payloads.DELIVERY_REPORT, "id": "x" * 65}, "field 'id' is longer than 64"),
        ("/sms/opt-out", without(at_payloads.OPT_OUT, "phoneNumber"), "missing field 'phoneNumber'"),
        ("/sms/opt-out", {**at_payloads.OPT_OUT, "phoneNumber": "12"}, "field 'phoneNumber'"),
    ],
)
def test_malformed_callbacks_get_400_with_a_reason(client, url, form, reason):
    response = client.post(url, data=form)
    assert response.status_code == 400
    assert reason in response.get_data(as_text=True)


@pytest.mark.parametrize("url", ["/sms/inbound", "/sms/delivery-reports", "/sms/opt-out"])
def test_sms_webhooks_need_the_token_when_configured(make_app, url):
    client = make_app(WEBHOOK_TOKEN="s3cret").test_client()
    assert client.post(url, data=at_payloads.INBOUND).status_code == 403
    assert client.post(url + "?token=wrong", data=at_payloads.INBOUND).status_code == 403


def sent_message(database, gateway_id="ATXid_sample", status="sent"):
    with database.transaction() as session:
        message = OutboundMessage(
            phone="+254711082001", text="Habari", purpose="reply", status=status,
            gateway_message_id=gateway_id, created_at=utcnow(), updated_at=utcnow(),
        )
        session.add(message)
    return message.id


@pytest.mark.parametrize(
    "status, reason, state",
    [
        ("Sent", "", "sent"),
        ("Submitted", "", "sent"),
        ("Buffered", "", "sent"),
        ("Success", "", "delivered"),
        ("Rejected", "InvalidSenderId", "failed"),
        ("Failed", "DeliveryFailure", "failed"),
        ("AbsentSubscriber", "AbsentSubscriber", "failed"),
        ("Expired", "", "failed"),
    ],
)
def test_delivery_reports_update_the_message(client, database, status, reason, state):
    sent_message(database)
    report = {**at_payloads.DELIVERY_REPORT, "status": status, "failureReason": reason}
    assert client.post("/sms/delivery-reports", data=report).status_code == 200
    [message] = stored(database, OutboundMessage)
    assert (message.status, message.failure_reason) == (state, reason or None)


def test_an_unknown_status_is_kept_answered_200_and_changes_no_state(client, database):
    sent_message(database)
    report = {**at_payloads.DELIVERY_REPORT, "status": "Delivered"}
    assert client.post("/sms/delivery-reports", data=report).status_code == 200  # AT does not retry a 4xx
    [message] = stored(database, OutboundMessage)
    assert (message.status, message.raw_delivery_status) == ("sent", "Delivered")


def test_a_final_state_is_not_undone_by_a_late_report(client, database):
    sent_message(database, status="delivered")
    report = {**at_payloads.DELIVERY_REPORT, "status": "Buffered"}
    assert client.post("/sms/delivery-reports", data=report).status_code == 200
    assert stored(database, OutboundMessage)[0].status == "delivered"


def test_a_report_that_overtakes_the_send_is_kept_for_it(client, app, database):
    response = client.post("/sms/delivery-reports", data=at_payloads.DELIVERY_REPORT)
    assert (response.status_code, response.get_data(as_text=True)) == (200, "ok: no pending message with that id yet\n")
    assert app.services.redis.exists("sms:early-report:ATXid_sample")


def test_an_opt_out_suppresses_the_number(client, database):
    assert client.post("/sms/opt-out", data=at_payloads.OPT_OUT).status_code == 200
    [subscriber] = stored(database, Subscriber)
    assert (subscriber.phone, subscriber.suppressed_at is not None) == ("+254711082001", True)
    [consent] = stored(database, Consent)
    assert (consent.purpose, consent.granted, consent.channel) == ("updates:all", False, "at_opt_out")


@pytest.mark.parametrize("url", ["/sms/inbound", "/sms/delivery-reports", "/sms/opt-out"])
def test_a_body_over_64_kib_is_refused_with_a_reason(client, database, url):
    form = dict(at_payloads.INBOUND, text="x" * 70_000)
    response = client.post(url, data=form)
    assert (response.status_code, response.get_data(as_text=True)) == (
        413, "too large: AT's callbacks are a few hundred bytes\n")
    with database.transaction() as session:
        assert session.execute(select(InboundMessage)).all() == []


@pytest.mark.parametrize("url, payload", [
    ("/sms/inbound", at_payloads.INBOUND),
    ("/sms/delivery-reports", at_payloads.DELIVERY_REPORT),
    ("/sms/opt-out", at_payloads.OPT_OUT),
    ("/ussd/events", {"sessionId": "ATUid_utf8", "phoneNumber": "+254711082001", "status": "Success"}),
])
@pytest.mark.parametrize("bad", [b"%FF", b"\xe9t\xe9"], ids=["bad-escape", "latin1"])
def test_every_callback_says_when_its_form_is_not_utf8(client, database, url, payload, bad):
    """Each Flask webhook reads AT's form as /ussd does (web/callback_form.py): a body that is not
    UTF-8 is named as such, not as a missing field, and nothing is stored or opted out."""
    body = urlencode(payload).encode() + b"&note=" + bad
    response = client.post(url, data=body, content_type="application/x-www-form-urlencoded")
    assert (response.status_code, response.get_data(as_text=True)) == (400, "bad request: the form is not valid UTF-8\n")
    with database.transaction() as session:
        assert session.execute(select(InboundMessage)).all() == []
        assert session.scalar(select(Subscriber.suppressed_at)) is None
