"""Outcomes staff can trust (issue 14): a broadcast whose messages may or may not have gone out
is not shown as plainly "completed", and a gateway that refuses the account itself (credentials,
balance) stops the broadcast with the reason instead of being retried like a 5xx."""

import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from sms_service.channels.africastalking.client import AfricasTalkingSms
from sms_service.core.models import Broadcast
from sms_service.domain.broadcasts import lifecycle
from tests.broadcast_helpers import (
    BROADCAST_SETTINGS,
    make_broadcast,
    message_counts,
    rows,
    sender_with,
    start_due,
)
from tests.console_helpers import logged_in, make_role_accounts

ACCEPTED, NO_BALANCE = "+254700009101", "+254700009405"  # the local gateway's scripted status codes


def test_a_broadcast_that_ended_with_uncertain_messages_says_how_many_need_review(live_app):
    app = live_app(**BROADCAST_SETTINGS, LOCAL_GATEWAY_LATENCY_MS=800)
    make_role_accounts(app)
    broadcast_id = make_broadcast(app, numbers=[ACCEPTED])
    start_due(app)
    impatient = AfricasTalkingSms("sandbox", "key", base_url=app.config["AT_API_BASE_URL"], timeout=(2, 0.2))
    assert sender_with(app, impatient).run(broadcast_id) == "drained"
    with app.services.database.write_transaction() as session:
        assert lifecycle.complete_if_done(session, broadcast_id, app.services.clock.now())
    shown = "completed, 1 uncertain: need review"
    viewer = logged_in(app, "viewer")
    assert shown in viewer.get("/console/broadcasts").get_data(as_text=True)
    assert viewer.get(f"/console/broadcasts/{broadcast_id}/progress.json").get_json()["state"] == shown
    listed = app.test_cli_runner().invoke(args=["broadcasts", "list"])
    assert shown in listed.output


def test_no_balance_stops_the_broadcast_with_the_reason(live_app):
    app = live_app(**BROADCAST_SETTINGS)
    make_role_accounts(app)
    # Every number answered 405 InsufficientBalance, whatever order they are sent in.
    broke = [NO_BALANCE, "+254711009405", "+254722009405"]
    broadcast_id = make_broadcast(app, numbers=broke)
    start_due(app)
    assert sender_with(app, batch_size=1, sender_threads=1).run(broadcast_id) == "paused"
    assert message_counts(app, broadcast_id) == {"retry": 1, "queued": 2}  # one try, then it stopped
    [tried] = [row for row in rows(app, broadcast_id).values() if row.status == "retry"]
    assert (tried.failure_reason, tried.attempts) == ("InsufficientBalance", 1)
    state = logged_in(app, "viewer").get(f"/console/broadcasts/{broadcast_id}/progress.json").get_json()["state"]
    assert state == "paused: the SMS gateway account has no balance left: top it up, then resume"
    assert app.services.broadcasts.sender.run(broadcast_id) == "paused"  # no sender goes on by itself
    assert message_counts(app, broadcast_id) == {"retry": 1, "queued": 2}


class _RefusingGateway(BaseHTTPRequestHandler):
    """Africa's Talking's answer to a wrong username or API key (HTTP 401, a plain-text body)."""

    def do_POST(self):  # noqa: N802 (http.server's name)
        self.rfile.read(int(self.headers.get("Content-Length", 0)))
        body = b"The supplied authentication is invalid"
        self.send_response(401)
        self.send_header("Content-Type", "text/plain")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


@pytest.fixture
def refusing_gateway():
    server = ThreadingHTTPServer(("127.0.0.1", 0), _RefusingGateway)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


def test_wrong_credentials_stop_the_broadcast_with_the_reason(make_app, refusing_gateway):
    app = make_app(**BROADCAST_SETTINGS)  # any hour: the send window is not what this is about
    broadcast_id = make_broadcast(app, numbers=[ACCEPTED, "+254711000001"])
    start_due(app)
    refused = AfricasTalkingSms("sandbox", "wrong-key", base_url=refusing_gateway, timeout=(2, 2))
    assert sender_with(app, refused, batch_size=1, sender_threads=1).run(broadcast_id) == "paused"
    with app.services.database.transaction() as session:
        broadcast = session.get(Broadcast, broadcast_id)
        assert (broadcast.status, broadcast.stop_reason) == ("paused", "AuthenticationFailed")
    assert message_counts(app, broadcast_id) == {"retry": 1, "queued": 1}  # one try, then it stopped
    with app.services.database.write_transaction() as session:  # staff fixed the key and resume
        assert lifecycle.resume(session, broadcast_id, app.services.clock.now()).stop_reason is None


@pytest.mark.parametrize("texts, pushed_starts, pushed_holds, attempts_after", [
    # Half way through: the question the attempt stands at, never question 1 again.
    (["QUIZ ATT", "B"], "Welcome back to the ", "\nQ2/4 ", {"att": "open"}),
    # Paused by another quiz: taken up again where it stood (the other one is paused now).
    (["QUIZ ATT", "B", "QUIZ TORTURE"], "Welcome back to the ", "\nQ2/4 ", {"att": "open", "torture": "paused"}),
    # Finished: the score and rank, not a fresh start.
    (["QUIZ ATT", "A", "A", "A", "A"], "You took the ", " of 4 right, rank 1 of 1.", {"att": "finished"}),
])
def test_a_quiz_pushed_to_a_student_with_an_attempt_continues_it(live_app, run_jobs, texts, pushed_starts,
                                                                 pushed_holds, attempts_after):
    from sqlalchemy import select

    from sms_service.core.models import QuizAttempt
    from tests.broadcast_helpers import send_now
    from tests.sms_phone import Texter

    app = live_app(**BROADCAST_SETTINGS)
    student = Texter(app, app.test_client(), run_jobs, number="0722100001")
    for text in texts:
        student.text(text)
    before = len(student.inbox)
    send_now(app, make_broadcast(app, texts={}, quiz="att", numbers=[student.phone], urgent=True))
    assert len(student.inbox) == before + 1
    assert student.last.startswith(pushed_starts) and pushed_holds in student.last, student.last
    assert "Q1/4" not in student.last
    with app.services.database.transaction() as session:
        assert {a.quiz: a.status for a in session.scalars(select(QuizAttempt))} == attempts_after
