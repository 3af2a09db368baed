"""The SMS webhooks with AT's own payloads: inbound, delivery reports, opt-outs."""

import pytest
from sqlalchemy import select

from sms_service.models import Consent, InboundMessage, OutboundMessage, Subscriber, utcnow
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
    assert app.extensions["queue"].job_ids == [f"inbound-{message.id}"]


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


def without(payload, field):
    return {key: value for key, value in payload.items() if key != field}


@pytest.mark.parametrize(
    "url, form, reason",
    [
        ("/sms/inbound", without(at_payloads.INBOUND, "from"), "missing field 'from'"),
        ("/sms/inbound", without(at_payloads.INBOUND, "id"), "missing field 'id'"),
        ("/sms/inbound", without(at_payloads.INBOUND, "text"), "missing field 'text'"),
        ("/sms/inbound", {**at_payloads.INBOUND, "from": "garbage"}, "field 'from': not a phone number"),
        ("/sms/inbound", {}, "missing field 'from'"),
        ("/sms/delivery-reports", without(at_payloads.DELIVERY_REPORT, "status"), "missing field 'status'"),
        ("/sms/delivery-reports", {**at_payloads.DELIVERY_REPORT, "status": "Delivered"}, "unknown status 'Delivered'"),
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


def test_an_unknown_status_changes_nothing(client, database):
    sent_message(database)
    report = {**at_payloads.DELIVERY_REPORT, "status": "Teleported"}
    assert client.post("/sms/delivery-reports", data=report).status_code == 400
    assert stored(database, OutboundMessage)[0].status == "sent"


def test_a_final_state_is_not_undone_by_a_late_report(client, database):
    sent_message(database, status="delivered")
    report = {**at_payloads.DELIVERY_REPORT, "status": "Buffered"}
    assert client.post("/sms/delivery-reports", data=report).status_code == 200
    assert stored(database, OutboundMessage)[0].status == "delivered"


def test_a_report_that_overtakes_the_send_is_kept_for_it(client, app, database):
    response = client.post("/sms/delivery-reports", data=at_payloads.DELIVERY_REPORT)
    assert (response.status_code, response.get_data(as_text=True)) == (200, "ok: no pending message with that id yet\n")
    assert app.extensions["redis"].exists("sms:early-report:ATXid_sample")


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
