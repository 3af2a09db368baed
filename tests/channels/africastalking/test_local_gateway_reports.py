"""The local gateway's delivery reports reach the service even when a first try does not: the
service answers 503 "try again" when it cannot store a report (a database busy or down), and a
report lost there leaves a delivered message "sent" for ever. Real HTTP both ways."""

import threading

import pytest
import requests
from werkzeug.serving import make_server
from werkzeug.wrappers import Request, Response

from sms_service.channels.africastalking.local_gateway import _post_report, create_gateway_app
from tests.ports import listening_socket


class ScriptedReceiver:
    """A callback URL on 127.0.0.1 that answers each POST with the next status of `statuses`
    (the last one repeated), and keeps the forms it was sent."""

    def __init__(self, statuses):
        self.statuses, self.forms, self.got_one = list(statuses), [], threading.Event()
        self.socket = listening_socket()
        self.server = make_server("127.0.0.1", 0, self.answer, threaded=True, fd=self.socket.fileno())
        self.url = f"http://127.0.0.1:{self.socket.getsockname()[1]}/sms/delivery-reports"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    @Request.application
    def answer(self, request):
        self.forms.append(dict(request.form))
        status = self.statuses.pop(0) if len(self.statuses) > 1 else self.statuses[0]
        if status < 300:
            self.got_one.set()
        return Response("ok" if status < 300 else "try again", status=status)

    def close(self):
        self.server.shutdown()
        self.server.server_close()
        self.socket.close()


@pytest.fixture
def receiver():
    made = []

    def make(*statuses):
        made.append(ScriptedReceiver(statuses))
        return made[-1]

    yield make
    for each in made:
        each.close()


REPORT = {"id": "ATXid_1", "phoneNumber": "+254711082001", "networkCode": "63902", "status": "Success"}


@pytest.mark.parametrize("statuses, tries, taken", [
    ((200,), 1, True),
    ((503, 200), 2, True),  # the service's "database error, try again"
    ((500, 502, 429, 200), 4, True),
    ((503,), 4, False),  # every try refused: it gives up after its waits
    ((400,), 1, False),  # a 4xx is final, as AT treats it
    ((404,), 1, False),
])
def test_a_report_is_tried_again_until_the_service_takes_it(receiver, statuses, tries, taken):
    callback = receiver(*statuses)
    with requests.Session() as session:
        assert _post_report(session, callback.url, REPORT, waits=(0, 0, 0)) is taken
    assert callback.forms == [REPORT] * tries


def test_a_service_that_cannot_be_reached_is_tried_again(receiver):
    closed = listening_socket()
    url = f"http://127.0.0.1:{closed.getsockname()[1]}/sms/delivery-reports"
    closed.close()  # nothing listens there now: each try is refused
    with requests.Session() as session:
        assert _post_report(session, url, REPORT, waits=(0, 0)) is False


def test_the_gateway_posts_a_refused_report_again(app, receiver):
    callback = receiver(503, 503, 200)
    gateway = create_gateway_app({**app.services.config, "LOCAL_GATEWAY_DLR_DELAY_MS": 0,
                                  "LOCAL_GATEWAY_DLR_URL": callback.url}, app.services.redis)
    sent = gateway.test_client().post("/version1/messaging", headers={"apiKey": "x"},
                                      data={"username": "sandbox", "to": "+254711082001", "message": "Habari"})
    assert sent.status_code == 201
    assert callback.got_one.wait(10), "the report was never taken"
    message_id = sent.get_json()["SMSMessageData"]["Recipients"][0]["messageId"]
    assert [form["id"] for form in callback.forms] == [message_id] * 3
    assert callback.forms[-1]["status"] == "Success"
