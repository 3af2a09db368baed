"""Delivery reports in any order, before or after the send is recorded, end in the same state: one
rule (a final state is never replaced by an intermediate one; a word we cannot read changes no
state but is kept), on the message row and in the early-report store, on the reply and the
broadcast paths. Every report goes through the real webhook."""

import json
import threading

import pytest
from sqlalchemy import event, select, update
from werkzeug.serving import make_server

from sms_service.channels.africastalking.client import AfricasTalkingSms
from sms_service.core.models import OutboundMessage, utcnow
from sms_service.domain.messaging import delivery_reports
from sms_service.domain.messaging.delivery_reports import apply_early_reports
from sms_service.domain.messaging.outbox import deliver, queue_message

GATEWAY_ID = "ATXid_4f0c2b7e9d1a4e3c8b6a5d2f1e0c9b8a"
NUMBER = "+254711082001"


def report(status, reason=""):
    return {"id": GATEWAY_ID, "status": status, "phoneNumber": NUMBER, "networkCode": "63902",
            "failureReason": reason, "retryCount": "0"}


# (reports in the order they arrive) -> (status, failure_reason, raw_delivery_status)
ORDERS = [
    ([("Success", ""), ("Sent", "")], ("delivered", None, "Success")),
    ([("Failed", "UserInBlackList"), ("Buffered", "")], ("failed", "UserInBlackList", "Failed")),
    ([("Sent", ""), ("Success", "")], ("delivered", None, "Success")),
    ([("Buffered", ""), ("Submitted", ""), ("Failed", "DeliveryFailure")], ("failed", "DeliveryFailure", "Failed")),
    ([("Rejected", "InvalidSenderId"), ("Success", "")], ("failed", "InvalidSenderId", "Rejected")),  # first final wins
    ([("Expired", ""), ("Sent", ""), ("Buffered", "")], ("failed", None, "Expired")),
    ([("AbsentSubscriber", "AbsentSubscriber"), ("Submitted", "")], ("failed", "AbsentSubscriber", "AbsentSubscriber")),
    ([("Submitted", ""), ("Buffered", "")], ("sent", None, "Buffered")),
    # AT's words in another casing or with spaces are AT's words
    ([("success", ""), ("SENT ", "")], ("delivered", None, "success")),
    ([(" FAILED", "UserInBlackList"), ("buffered", "")], ("failed", "UserInBlackList", "FAILED")),
    ([("Absent Subscriber", "AbsentSubscriber")], ("failed", "AbsentSubscriber", "Absent Subscriber")),
    # a word nobody documented is kept, and changes no state
    ([("Teleported", "")], ("sent", None, "Teleported")),
    ([("Teleported", ""), ("Success", "")], ("delivered", None, "Success")),
    ([("Success", ""), ("Teleported", "")], ("delivered", None, "Teleported")),
    ([("Sent", ""), ("Vanished", ""), ("Buffered", "")], ("sent", None, "Buffered")),
]


@pytest.fixture
def canned_at():
    """A real HTTP server standing in for AT's send endpoint, accepting every message with
    GATEWAY_ID, so that a test knows the id before the send is recorded; the real SDK talks to it."""
    answer = {"SMSMessageData": {"Message": "Sent to 1/1 Total Cost: KES 0.8000", "Recipients": [
        {"statusCode": 101, "number": NUMBER, "status": "Success", "cost": "KES 0.8000", "messageId": GATEWAY_ID}]}}

    def wsgi(environ, start_response):
        environ["wsgi.input"].read(int(environ.get("CONTENT_LENGTH") or 0))
        start_response("201 Created", [("Content-Type", "application/json")])
        return [json.dumps(answer).encode()]

    server = make_server("127.0.0.1", 0, wsgi, threaded=True)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield AfricasTalkingSms("sandbox", "key", base_url=f"http://127.0.0.1:{server.server_port}")
    server.shutdown()
    server.server_close()


def post_reports(client, reports):
    for status, reason in reports:
        response = client.post("/sms/delivery-reports", data=report(status, reason))
        assert response.status_code == 200, response.get_data(as_text=True)


def stored_state(database):
    with database.transaction() as session:
        [row] = session.execute(select(OutboundMessage.status, OutboundMessage.failure_reason,
                                       OutboundMessage.raw_delivery_status)).all()
    return tuple(row)


def send_reply(app, gateway):
    """A reply through the real outbox and the real SDK: recorded, then kept reports applied."""
    services = app.services
    with services.database.write_transaction() as session:
        message_id = queue_message(session, NUMBER, "Asante", "reply", services.clock.now()).id
    return deliver(services.database, gateway, message_id, services.clock.now(), services.messaging, services.redis)


def record_broadcast_message(app):
    """What a broadcast sender does after a batch: the row recorded as sent, then kept reports applied."""
    with app.services.database.transaction() as session:
        session.add(OutboundMessage(phone=NUMBER, text="Hello", purpose="broadcast", status="sent",
                                    gateway_message_id=GATEWAY_ID, created_at=utcnow(), updated_at=utcnow()))
    apply_early_reports(app.services.database, app.services.redis, ["ATXid_other", GATEWAY_ID])


@pytest.mark.parametrize("reports, outcome", ORDERS)
def test_reports_that_overtake_a_reply_end_as_the_rule_says(app, client, canned_at, reports, outcome):
    post_reports(client, reports)
    assert send_reply(app, canned_at).status == "sent"
    assert stored_state(app.services.database) == outcome
    assert not app.services.redis.exists(delivery_reports.EARLY_REPORT_KEY.format(gateway_id=GATEWAY_ID))


@pytest.mark.parametrize("reports, outcome", ORDERS)
def test_reports_that_overtake_a_broadcast_batch_end_as_the_rule_says(app, client, reports, outcome):
    post_reports(client, reports)
    record_broadcast_message(app)
    assert stored_state(app.services.database) == outcome


@pytest.mark.parametrize("reports, outcome", ORDERS)
def test_reports_after_the_send_end_the_same_way(app, client, canned_at, reports, outcome):
    send_reply(app, canned_at)
    post_reports(client, reports)
    assert stored_state(app.services.database) == outcome


def test_an_unknown_word_is_answered_200_and_warned_about(app, client, canned_at, caplog):
    send_reply(app, canned_at)
    response = client.post("/sms/delivery-reports", data=report("Teleported"))
    assert (response.status_code, response.get_data(as_text=True)) == (
        200, "ok: unknown status 'Teleported' kept; the message's state is unchanged\n")
    assert "unknown status 'Teleported'" in caplog.text
    assert stored_state(app.services.database) == ("sent", None, "Teleported")


def test_a_report_for_a_final_message_is_not_kept_waiting(app, client, canned_at):
    send_reply(app, canned_at)
    post_reports(client, [("Success", ""), ("Success", ""), ("Buffered", "")])
    assert stored_state(app.services.database) == ("delivered", None, "Success")
    assert not app.services.redis.exists(delivery_reports.EARLY_REPORTS_INDEX_KEY)


# The store is capped: by count, and by the length of the id (no message has a longer one).
def test_an_id_longer_than_any_message_id_is_refused_and_not_kept(app, client):
    response = client.post("/sms/delivery-reports", data={**report("Success"), "id": "A" * 65})
    assert (response.status_code, response.get_data(as_text=True)) == (
        400, "bad request: field 'id' is longer than 64 characters\n")
    assert not app.services.redis.exists(delivery_reports.EARLY_REPORTS_INDEX_KEY)
    assert client.post("/sms/delivery-reports", data={**report("Success"), "id": "A" * 64}).status_code == 200


def test_a_full_store_answers_503_so_the_report_comes_again(app, client, canned_at):
    redis, lapses = app.services.redis, app.services.clock.now().timestamp() + 600
    for start in range(0, delivery_reports.EARLY_REPORTS_MAX - 1, 5_000):  # reports of sends never recorded
        redis.zadd(delivery_reports.EARLY_REPORTS_INDEX_KEY,
                   {f"ATXid_flood{n}": lapses for n in range(start, min(start + 5_000, delivery_reports.EARLY_REPORTS_MAX - 1))})
    assert client.post("/sms/delivery-reports", data={**report("Sent"), "id": "ATXid_last"}).status_code == 200
    full = client.post("/sms/delivery-reports", data=report("Success"))
    assert (full.status_code, full.get_data(as_text=True)) == (
        503, "busy: too many delivery reports wait for their sends, try again\n")
    again = client.post("/sms/delivery-reports", data={**report("Success"), "id": "ATXid_last"})
    assert again.status_code == 200  # a report of a message already waiting still merges
    send_reply(app, canned_at)  # the send is recorded; AT tries the refused report again
    post_reports(client, [("Success", "")])
    assert stored_state(app.services.database) == ("delivered", None, "Success")
    assert redis.zcard(delivery_reports.EARLY_REPORTS_INDEX_KEY) == delivery_reports.EARLY_REPORTS_MAX


def test_reports_that_lapsed_make_room(app, client):
    redis, lapsed = app.services.redis, app.services.clock.now().timestamp() - 1
    redis.zadd(delivery_reports.EARLY_REPORTS_INDEX_KEY,
               {f"ATXid_old{n}": lapsed for n in range(delivery_reports.EARLY_REPORTS_MAX)})
    assert client.post("/sms/delivery-reports", data=report("Success")).status_code == 200
    assert redis.zcard(delivery_reports.EARLY_REPORTS_INDEX_KEY) == 1


def test_a_send_recorded_between_the_reports_two_statements_is_still_updated(app, client):
    """PostgreSQL reads committed data statement by statement: a send recorded after the report's
    UPDATE (which missed it) and before its lookup (which found it) was once taken for a final
    message, and the report was dropped; a delivered answer stayed "sent" (CI, twice)."""
    database = app.services.database
    if database.engine.dialect.name != "postgresql":
        pytest.skip("SQLite has one writer at a time: no send is recorded between the report's statements")
    with database.transaction() as session:
        row = OutboundMessage(phone=NUMBER, text="Asante", purpose="reply", status="sending",
                              created_at=utcnow(), updated_at=utcnow())
        session.add(row)
    recorded = []

    def record_the_send_right_after_the_first_update(connection, cursor, statement, *_):
        if recorded or not statement.lstrip().upper().startswith("UPDATE OUTBOUND_MESSAGES"):
            return
        recorded.append(True)  # the sender commits on its own connection, as the worker does
        with database.engine.begin() as sender:
            sender.execute(update(OutboundMessage).where(OutboundMessage.id == row.id)
                           .values(status="sent", gateway_message_id=GATEWAY_ID))

    event.listen(database.engine, "after_cursor_execute", record_the_send_right_after_the_first_update)
    try:
        post_reports(client, [("Success", "")])
    finally:
        event.remove(database.engine, "after_cursor_execute", record_the_send_right_after_the_first_update)
    assert recorded and stored_state(database) == ("delivered", None, "Success")
