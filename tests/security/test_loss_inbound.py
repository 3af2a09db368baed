"""Attacks on "no message, STOP or reply is lost when Redis or a worker dies" (issue 14).

The attack: 50 STOPs were stored while Redis was down (or lost its queue), and a later broadcast
reached all 50. Now a STOP is applied in the webhook's own transaction, and the workers' clock
queues again everything stored but never handled (sms_service/domain/messaging/recovery.py).
"""

import pytest
from sqlalchemy import select

from sms_service.core.clock import ManualClock, parse_local_time
from sms_service.core.models import InboundMessage, OutboundMessage, Subscriber
from sms_service.domain.messaging.outbox import queue_message
from sms_service.domain.messaging.recovery import RECOVERY_JOB
from tests.broadcast_helpers import BROADCAST_SETTINGS, gateway_counts, make_broadcast, send_now
from tests.seeding import fake_number, seed_subscribers
from tests.sms_phone import Texter

REDIS_DOWN = "redis://127.0.0.1:1/0"  # nothing listens there
# The many ways people write STOP (flows/sms/keywords.yaml), each one a stored message to lose.
STOP_WORDS = ["STOP", "stop.", "Stop!", "unsubscribe", "ACHA", "sitisha tafadhali", "pls stop", "opt-out", "ONDOA",
              "STOPALL"]


def _form(phone, text, at_id):
    return {"from": phone, "to": "21212", "text": text, "date": "2026-12-01 09:00:00", "id": at_id,
            "networkCode": "63902"}


def _suppressed(app, phones):
    with app.services.database.transaction() as session:
        return set(session.scalars(select(Subscriber.phone).where(Subscriber.phone.in_(phones),
                                                                  Subscriber.suppressed_at.is_not(None))))


def _recover(app, run_jobs):
    """What the workers' clock does every RECOVERY_SECONDS: queue the recovery job, run the queue."""
    app.services.queue.enqueue(RECOVERY_JOB)
    run_jobs(app)


def test_stops_stored_while_redis_is_down_are_applied_at_once_and_a_broadcast_reaches_none(live_app, make_app):
    app = live_app(**BROADCAST_SETTINGS)
    seed_subscribers(app.services.database, 50)
    phones = [fake_number(n) for n in range(50)]
    without_redis = make_app(REDIS_URL=REDIS_DOWN, **BROADCAST_SETTINGS).test_client()
    for n, phone in enumerate(phones):
        response = without_redis.post("/sms/inbound", data=_form(phone, STOP_WORDS[n % len(STOP_WORDS)], f"stop-{n}"))
        assert response.status_code == 200, response.get_data(as_text=True)
    assert _suppressed(app, phones) == set(phones)  # no worker has run: the webhook applied them

    broadcast_id = make_broadcast(app, topics=["torture"])
    send_now(app, broadcast_id)
    assert gateway_counts(app)["messages"] == 0


def test_a_stop_confirmation_stranded_by_redis_goes_out_once_redis_is_back(live_app, make_app, run_jobs):
    clock = ManualClock(parse_local_time("2026-12-01 10:00"))
    app = live_app(clock=clock)
    texter = Texter(app, app.test_client(), run_jobs)
    without_redis = make_app(clock=clock, REDIS_URL=REDIS_DOWN).test_client()
    assert without_redis.post("/sms/inbound", data=_form(texter.number, "STOP", "stranded-stop")).status_code == 200
    _recover(app, run_jobs)
    assert texter.inbox == []  # not yet a minute: its own job may still be on the way
    clock.advance(seconds=61)
    _recover(app, run_jobs)
    assert texter.inbox == ["You will get no more messages from Haki Yetu. Text JOIN to subscribe again."]
    clock.advance(minutes=5)
    _recover(app, run_jobs)  # sent: nothing to queue again
    assert len(texter.inbox) == 1


@pytest.mark.parametrize("text, reply_starts", [
    ("JOIN", "Welcome to Haki Yetu!"),
    ("HELP", "Haki Yetu: text JOIN"),
    ("ATT Wanjiku Muthoni", "Thank you"),
])
def test_an_inbound_message_whose_queue_was_lost_is_handled_after_a_minute(live_app, run_jobs, text, reply_starts):
    clock = ManualClock(parse_local_time("2026-12-01 10:00"))
    app = live_app(clock=clock)
    texter = Texter(app, app.test_client(), run_jobs)
    texter.text(text, handle=False)
    app.services.redis.flushdb()  # Redis restarted without its data: the job is gone
    _recover(app, run_jobs)
    assert texter.inbox == []
    clock.advance(seconds=61)
    _recover(app, run_jobs)
    assert len(texter.inbox) == 1 and texter.inbox[0].startswith(reply_starts), texter.inbox
    with app.services.database.transaction() as session:
        assert session.scalars(select(InboundMessage.handled_at)).one() is not None


def test_a_join_handled_after_a_later_stop_does_not_undo_it(live_app, run_jobs):
    app = live_app()
    texter = Texter(app, app.test_client(), run_jobs)
    texter.text("JOIN", handle=False)  # its worker is slow (or its queue lost) ...
    texter.text("STOP", handle=False)  # ... and the STOP that follows is applied at once
    run_jobs(app)
    assert _suppressed(app, [texter.phone]) == {texter.phone}
    assert texter.inbox == ["You will get no more messages from Haki Yetu. Text JOIN to subscribe again."]
    with app.services.database.transaction() as session:
        assert list(session.scalars(select(InboundMessage.outcome).order_by(InboundMessage.id))) == [
            "join_before_stop", "stop"]
    texter.text("JOIN")  # a JOIN after the STOP still brings the number back
    assert _suppressed(app, [texter.phone]) == set()


# A reply stranded in each state, how long ago its time came, and what recovery makes of it.
STRANDED = [
    # status, seconds since it was due, what the clock does, the status it ends in, texts sent
    ("queued", 30, "waits: its job may still come", "queued", 0),
    ("queued", 90, "queues it again", "sent", 1),
    ("retry", 30, "waits: its job may still come", "retry", 0),
    ("retry", 90, "queues it again", "sent", 1),
    ("sending", 30, "waits: the request may still be running", "sending", 0),
    ("sending", 90, "marks it uncertain: it may have gone out, never sent twice", "uncertain", 0),
]


@pytest.mark.parametrize("status, ago, _does, ends, sent", STRANDED)
def test_a_stranded_reply_reaches_a_final_state_and_is_never_sent_twice(live_app, run_jobs, status, ago, _does,
                                                                          ends, sent):
    clock = ManualClock(parse_local_time("2026-12-01 10:00"))
    app = live_app(clock=clock, LOCAL_GATEWAY_DLR_DELAY_MS=-1)  # no delivery report: "sent" stays
    texter = Texter(app, app.test_client(), run_jobs)
    due = clock.now()
    with app.services.database.transaction() as session:
        message = queue_message(session, texter.phone, "Your reply", "reply", due)
        message.status, message.retry_at = status, due if status == "retry" else None
        message.attempts = 0 if status == "queued" else 1
        message_id = message.id
    clock.advance(seconds=ago)
    _recover(app, run_jobs)
    with app.services.database.transaction() as session:
        assert session.get(OutboundMessage, message_id).status == ends
    assert len(texter.inbox) == sent
