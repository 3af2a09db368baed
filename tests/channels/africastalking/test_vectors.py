"""Africa's Talking's wire format, as tables (in the style of courier's per-channel test files):

- CALLBACKS: the exact form body AT posts to each webhook (USSD, inbound SMS, delivery report,
  bulk opt-out), in, through the real app; the exact status and body answered, and the row it
  stored or changed, out.
- SEND_ANSWERS: the exact JSON AT answers a send with, in; the exact per-recipient results the
  channel hands the domain, out.
- HTTP_ANSWERS: what the official SDK makes of other answers (an error status, a body that is no
  JSON, a dropped connection): the domain's gateway errors, never AT's exceptions.
"""

import json
import threading
from dataclasses import asdict
from urllib.parse import urlencode

import pytest
from sqlalchemy import select
from werkzeug.serving import make_server

from sms_service.channels.africastalking.client import AfricasTalkingSms, parse_send_response
from sms_service.core.models import InboundMessage, OutboundMessage, Subscriber, utcnow
from sms_service.domain.messaging.gateway import GatewayRefused, GatewayUncertain, GatewayUnreachable, SendOutcome

FORM = "application/x-www-form-urlencoded"
NUMBER = "+254711082001"
HOME = ("CON Haki Yetu: human rights\n1. Stop torture\n2. End sexual violence\n3. Arms Trade Treaty\n"
        "4. Sign ATT petition\n5. SMS updates\n6. Language/Lugha\n7. About us\n8. Quiz/schools")


def ussd(text="", session="ATUid_vector", phone=NUMBER, **extra):
    return urlencode({"sessionId": session, "serviceCode": "*384*123#", "phoneNumber": phone, "networkCode": "63902",
                      "text": text, **extra})


INBOUND = urlencode({"date": "2026-11-25T09:12:44.123Z", "from": NUMBER, "id": "inbound-vector-1",
                     "linkId": "SampleLinkId123", "text": "JOIN", "to": "21212", "networkCode": "63902"})


def report(status, reason=""):
    return urlencode({"id": "ATXid_vector", "status": status, "phoneNumber": NUMBER, "networkCode": "63902",
                      "failureReason": reason, "retryCount": "0"})


def inbound_row(session):
    return session.execute(select(InboundMessage.at_id, InboundMessage.phone, InboundMessage.shortcode,
                                  InboundMessage.text, InboundMessage.link_id, InboundMessage.network_code,
                                  InboundMessage.sent_at)).all()


def outbound_row(session):
    return session.execute(select(OutboundMessage.status, OutboundMessage.failure_reason)).all()


def raw_status_row(session):
    return session.execute(select(OutboundMessage.status, OutboundMessage.failure_reason,
                                  OutboundMessage.raw_delivery_status)).all()


def subscriber_row(session):
    return session.execute(select(Subscriber.phone, Subscriber.suppressed_at.is_not(None))).all()


def a_sent_message(database):
    with database.transaction() as session:
        session.add(OutboundMessage(phone=NUMBER, text="Habari", purpose="reply", status="sent",
                                    gateway_message_id="ATXid_vector", created_at=utcnow(), updated_at=utcnow()))


# (name, setup, path, body, (status, body), row reader, rows)
CALLBACKS = [
    ("ussd first hop", None, "/ussd", ussd(), (200, HOME), None, None),
    ("ussd shortcut dial", None, "/ussd", ussd("4"),
     (200, "CON Petition: Kenya, ratify the Arms Trade Treaty. Type your full name:\n0 Back 00 Home"), None, None),
    ("ussd without sessionId", None, "/ussd", urlencode({"serviceCode": "*384*123#", "phoneNumber": NUMBER, "text": ""}),
     (400, "bad request: missing field 'sessionId'\n"), None, None),
    ("ussd empty sessionId", None, "/ussd", ussd(session="  "), (400, "bad request: field 'sessionId' is empty\n"),
     None, None),
    ("ussd not a number", None, "/ussd", ussd(phone="not-a-number"),
     (400, "bad request: field 'phoneNumber': not a phone number: (1) The string supplied did not seem to be a "
           "phone number.\n"), None, None),
    ("ussd text too long", None, "/ussd", ussd("1*" * 4001),
     (400, "bad request: field 'text' is longer than 8000 characters\n"), None, None),
    ("inbound", None, "/sms/inbound", INBOUND, (200, "ok\n"), inbound_row,
     [("inbound-vector-1", NUMBER, "21212", "JOIN", "SampleLinkId123", "63902", "2026-11-25T09:12:44.123Z")]),
    ("inbound in a national format", None, "/sms/inbound", INBOUND.replace("%2B254711082001", "0711082001"),
     (200, "ok\n"), inbound_row,
     [("inbound-vector-1", NUMBER, "21212", "JOIN", "SampleLinkId123", "63902", "2026-11-25T09:12:44.123Z")]),
    ("inbound from a sender id", None, "/sms/inbound", INBOUND.replace("%2B254711082001", "MPESA"),
     (200, "ok: stored; the sender is not a phone number, so it is not answered\n"), inbound_row,
     [("inbound-vector-1", "MPESA", "21212", "JOIN", "SampleLinkId123", "63902", "2026-11-25T09:12:44.123Z")]),
    ("inbound from a shortcode", None, "/sms/inbound", INBOUND.replace("%2B254711082001", "22384"),
     (200, "ok: stored; the sender is not a phone number, so it is not answered\n"), inbound_row,
     [("inbound-vector-1", "22384", "21212", "JOIN", "SampleLinkId123", "63902", "2026-11-25T09:12:44.123Z")]),
    ("inbound without from", None, "/sms/inbound", urlencode({"to": "21212", "text": "JOIN", "date": "", "id": "x"}),
     (400, "bad request: missing field 'from'\n"), inbound_row, []),
    ("report Success", a_sent_message, "/sms/delivery-reports", report("Success"), (200, "ok\n"), outbound_row,
     [("delivered", None)]),
    ("report Sent", a_sent_message, "/sms/delivery-reports", report("Sent"), (200, "ok\n"), outbound_row,
     [("sent", None)]),
    ("report Submitted", a_sent_message, "/sms/delivery-reports", report("Submitted"), (200, "ok\n"), outbound_row,
     [("sent", None)]),
    ("report Buffered", a_sent_message, "/sms/delivery-reports", report("Buffered"), (200, "ok\n"), outbound_row,
     [("sent", None)]),
    ("report Rejected", a_sent_message, "/sms/delivery-reports", report("Rejected", "InvalidSenderId"), (200, "ok\n"),
     outbound_row, [("failed", "InvalidSenderId")]),
    ("report Failed", a_sent_message, "/sms/delivery-reports", report("Failed", "UserInBlackList"), (200, "ok\n"),
     outbound_row, [("failed", "UserInBlackList")]),
    ("report AbsentSubscriber", a_sent_message, "/sms/delivery-reports", report("AbsentSubscriber", "AbsentSubscriber"),
     (200, "ok\n"), outbound_row, [("failed", "AbsentSubscriber")]),
    ("report Expired", a_sent_message, "/sms/delivery-reports", report("Expired"), (200, "ok\n"), outbound_row,
     [("failed", None)]),
    ("report before its send", None, "/sms/delivery-reports", report("Success"),
     (200, "ok: no pending message with that id yet\n"), outbound_row, []),
    ("report unknown status", a_sent_message, "/sms/delivery-reports", report("Teleported"),
     (200, "ok: unknown status 'Teleported' kept; the message's state is unchanged\n"), raw_status_row,
     [("sent", None, "Teleported")]),
    ("report in capitals with a space", a_sent_message, "/sms/delivery-reports", report("SUCCESS "), (200, "ok\n"),
     raw_status_row, [("delivered", None, "SUCCESS")]),
    ("report in lower case", a_sent_message, "/sms/delivery-reports", report("failed", "UserInBlackList"),
     (200, "ok\n"), raw_status_row, [("failed", "UserInBlackList", "failed")]),
    ("report id too long", a_sent_message, "/sms/delivery-reports",
     report("Success").replace("ATXid_vector", "A" * 65),
     (400, "bad request: field 'id' is longer than 64 characters\n"), raw_status_row, [("sent", None, None)]),
    ("opt-out", None, "/sms/opt-out", urlencode({"senderId": "HAKIYETU", "phoneNumber": NUMBER}), (200, "ok\n"),
     subscriber_row, [(NUMBER, True)]),
    ("opt-out without a number", None, "/sms/opt-out", urlencode({"senderId": "HAKIYETU"}),
     (400, "bad request: missing field 'phoneNumber'\n"), subscriber_row, []),
]


@pytest.mark.parametrize("name, setup, path, body, answer, read_rows, rows", CALLBACKS, ids=[c[0] for c in CALLBACKS])
def test_each_callback_answers_and_stores_exactly(app, client, database, name, setup, path, body, answer, read_rows,
                                                  rows):
    if setup:
        setup(database)
    response = client.post(path, data=body, content_type=FORM)
    assert (response.status_code, response.get_data(as_text=True)) == answer
    assert response.mimetype == "text/plain"
    if read_rows:
        with database.transaction() as session:
            assert [tuple(row) for row in read_rows(session)] == rows


# The guard both edges share: the token, the method, the body's size and encoding.
GUARD = [
    ("/ussd", "post", "", ussd(), 403, "forbidden: missing or wrong token\n"),
    ("/ussd", "post", "?token=wrong", ussd(), 403, "forbidden: missing or wrong token\n"),
    ("/ussd", "post", "?token=s3cret", ussd(), 200, HOME),
    ("/ussd", "get", "?token=s3cret", "", 405, "method not allowed: AT posts callbacks\n"),
    ("/ussd", "post", "?token=s3cret", ussd("x" * 70_000), 413, "too large: AT's callbacks are a few hundred bytes\n"),
    ("/ussd", "post", "?token=s3cret", b"text=%ff&sessionId=1", 400, "bad request: the form is not valid UTF-8\n"),
    ("/sms/inbound", "post", "", INBOUND, 403, "forbidden: missing or wrong token\n"),
    ("/sms/inbound", "post", "?token=s3cret", INBOUND, 200, "ok\n"),
    ("/sms/inbound", "post", "?token=s3cret", INBOUND + "&pad=" + "x" * 70_000, 413,
     "too large: AT's callbacks are a few hundred bytes\n"),
    ("/sms/delivery-reports", "post", "?token=wrong", report("Success"), 403, "forbidden: missing or wrong token\n"),
    ("/sms/opt-out", "post", "", urlencode({"phoneNumber": NUMBER}), 403, "forbidden: missing or wrong token\n"),
]


@pytest.mark.parametrize("path, method, query, body, status, text", GUARD)
def test_one_guard_for_both_edges(make_app, path, method, query, body, status, text):
    client = make_app(WEBHOOK_TOKEN="s3cret").test_client()
    response = getattr(client, method)(path + query, data=body, content_type=FORM)
    assert (response.status_code, response.get_data(as_text=True)) == (status, text)


def recipient(code, status, number="+254711000001", message_id="None", cost="0"):
    return {"statusCode": code, "number": number, "status": status, "cost": cost, "messageId": message_id}


def answer(*recipients):
    accepted = sum(1 for each in recipients if each["statusCode"] < 200)
    return {"SMSMessageData": {"Message": f"Sent to {accepted}/{len(recipients)} Total Cost: KES 0.8000",
                               "Recipients": list(recipients)}}


A, R, P = SendOutcome.ACCEPTED, SendOutcome.RETRYABLE, SendOutcome.PERMANENT
SEND_ANSWERS = [  # AT's answer -> [(number, status_code, status, outcome, message_id, cost)]
    (answer(recipient(101, "Success", message_id="ATXid_1", cost="KES 0.8000")),
     [("+254711000001", 101, "Success", A, "ATXid_1", "KES 0.8000")]),
    (answer(recipient(100, "Processed", message_id="ATXid_2", cost="KES 0.8000")),
     [("+254711000001", 100, "Processed", A, "ATXid_2", "KES 0.8000")]),
    (answer(recipient(102, "Queued", message_id="ATXid_3", cost="KES 0.8000")),
     [("+254711000001", 102, "Queued", A, "ATXid_3", "KES 0.8000")]),
    *[(answer(recipient(code, word)), [("+254711000001", code, word, outcome, None, "0")]) for code, word, outcome in (
        (401, "RiskHold", R), (402, "InvalidSenderId", P), (403, "InvalidPhoneNumber", P),
        (404, "UnsupportedNumberType", P), (405, "InsufficientBalance", R), (406, "UserInBlacklist", P),
        (407, "CouldNotRoute", P), (409, "DoNotDisturbRejection", P), (500, "InternalServerError", R),
        (501, "GatewayError", R), (502, "RejectedByGateway", R), (999, "SomethingNew", R),
    )],
    (answer(recipient(101, "Success", message_id="ATXid_4", cost="KES 0.8000"),
            recipient(403, "InvalidPhoneNumber", number="+254711000002")),
     [("+254711000001", 101, "Success", A, "ATXid_4", "KES 0.8000"),
      ("+254711000002", 403, "InvalidPhoneNumber", P, None, "0")]),
    (answer(), []),
]


@pytest.mark.parametrize("body, results", SEND_ANSWERS)
def test_each_send_answer_becomes_exact_results(body, results):
    for as_sent in (body, json.dumps(body)):  # the SDK hands back parsed JSON, or text
        assert [tuple(asdict(result).values()) for result in parse_send_response(as_sent)] == results


@pytest.fixture
def canned_gateway():
    """An HTTP server standing in for AT that answers every request with what a test sets."""
    answer = {}

    def app(environ, start_response):
        status, body = answer["status"], answer["body"]
        start_response(status, [("Content-Type", "application/json")])
        return [body.encode()]

    server = make_server("127.0.0.1", 0, app, threaded=True)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield answer, f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    server.server_close()


HTTP_ANSWERS = [  # what AT's HTTP answer is -> what the domain gets
    ("201 Created", json.dumps(answer(recipient(101, "Success", message_id="ATXid_9", cost="KES 0.8000"))), None),
    ("401 Unauthorized", "The supplied authentication is invalid", GatewayRefused),
    ("500 Internal Server Error", "oops", GatewayRefused),
    ("200 OK", "<html>Service Temporarily Unavailable</html>", GatewayUncertain),
    ("201 Created", json.dumps({"SMSMessageData": {"Message": "InvalidRequest"}}), GatewayUncertain),
]


@pytest.mark.parametrize("status, body, error", HTTP_ANSWERS)
def test_the_sdk_answers_in_the_domains_terms(canned_gateway, status, body, error):
    answer_with, url = canned_gateway
    answer_with.update(status=status, body=body)
    client = AfricasTalkingSms("sandbox", "key", base_url=url, timeout=(1, 2))
    if error is None:
        [result] = client.send("Habari", ["+254711000001"])
        assert (result.outcome, result.message_id) == (SendOutcome.ACCEPTED, "ATXid_9")
    else:
        with pytest.raises(error):
            client.send("Habari", ["+254711000001"])


def test_a_refused_connection_is_unreachable():
    with pytest.raises(GatewayUnreachable):
        AfricasTalkingSms("sandbox", "key", base_url="http://127.0.0.1:1").send("Habari", ["+254711000001"])
