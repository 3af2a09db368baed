"""How a broadcast goes out: per-recipient results, retries, timeouts, dead senders, pause,
cancel, quiet hours, the shared rate. Real Redis, real SQL, the local gateway over HTTP."""

from datetime import timedelta

import pytest

from sms_service.channels.africastalking.client import AfricasTalkingSms
from sms_service.core.clock import ManualClock, parse_local_time
from sms_service.core.models import utcnow
from sms_service.domain.broadcasts import lifecycle
from sms_service.domain.broadcasts.planner import plan_all
from sms_service.domain.broadcasts.rate_limit import SegmentRateLimit
from sms_service.domain.broadcasts.recovery import mark_abandoned
from tests.broadcast_helpers import (
    BROADCAST_SETTINGS,
    claimed_batch,
    gateway_counts,
    make_broadcast,
    message_counts,
    received,
    rows,
    send_now,
    sender_with,
    start_due,
    wait_until,
)
from tests.seeding import fake_number, seed_subscribers

ACCEPTED, REFUSED_FOR_GOOD, SERVER_ERROR = "+254700009101", "+254700009403", "+254700009500"


@pytest.fixture
def app(live_app):
    return live_app(**BROADCAST_SETTINGS)


def test_each_recipient_gets_the_gateways_answer_for_it(app):
    broadcast_id = make_broadcast(app, numbers=[ACCEPTED, REFUSED_FOR_GOOD, SERVER_ERROR])
    send_now(app, broadcast_id)
    by_number = rows(app, broadcast_id)
    assert by_number[ACCEPTED].status == "sent"
    assert by_number[ACCEPTED].gateway_message_id.startswith("ATXid_")
    assert by_number[ACCEPTED].cost == "KES 0.8000"
    assert (by_number[REFUSED_FOR_GOOD].status, by_number[REFUSED_FOR_GOOD].failure_reason) == ("failed", "InvalidPhoneNumber")
    retry = by_number[SERVER_ERROR]
    assert (retry.status, retry.failure_reason, retry.attempts) == ("retry", "InternalServerError", 1)
    assert timedelta(seconds=5) < retry.retry_at.replace(tzinfo=None) - utcnow().replace(tzinfo=None) <= timedelta(seconds=10)


def test_a_retryable_failure_stops_after_the_last_attempt(app):
    broadcast_id = make_broadcast(app, numbers=[SERVER_ERROR])
    start_due(app)
    sender_with(app, max_attempts=1).run(broadcast_id)
    assert (rows(app, broadcast_id)[SERVER_ERROR].status, rows(app, broadcast_id)[SERVER_ERROR].attempts) == ("failed", 1)


@pytest.mark.parametrize("where, reason", [
    ("http://127.0.0.1:9/local-at", "GatewayUnreachable"),  # connection refused: nothing was sent
    ("{server}/no-such-gateway", "GatewayRefused"),  # an HTTP error answer instead of AT's JSON
])
def test_a_gateway_failure_means_try_again_later(app, where, reason):
    broadcast_id = make_broadcast(app, numbers=[ACCEPTED])
    start_due(app)
    gateway = AfricasTalkingSms("sandbox", "key", base_url=where.format(server=app.config["SERVER_URL"]),
                                timeout=(0.5, 2))
    sender_with(app, gateway).run(broadcast_id)
    row = rows(app, broadcast_id)[ACCEPTED]
    assert (row.status, row.failure_reason, row.attempts) == ("retry", reason, 1)
    assert gateway_counts(app)["messages"] == 0


def test_a_read_timeout_is_uncertain_and_not_resent(live_app):
    app = live_app(**BROADCAST_SETTINGS, LOCAL_GATEWAY_LATENCY_MS=800)
    broadcast_id = make_broadcast(app, numbers=[ACCEPTED])
    start_due(app)
    impatient = AfricasTalkingSms("sandbox", "key", base_url=app.config["AT_API_BASE_URL"], timeout=(2, 0.2))
    assert sender_with(app, impatient).run(broadcast_id) == "drained"
    row = rows(app, broadcast_id)[ACCEPTED]
    assert (row.status, row.failure_reason) == ("uncertain", "ReadTimeout")
    assert app.services.broadcasts.sender.run(broadcast_id) == "drained"  # nothing claimed again
    wait_until(lambda: gateway_counts(app)["messages"] == 1)  # the slow gateway did take it, once


def test_a_dead_senders_batch_becomes_uncertain_and_staff_decide(app):
    database = app.services.database
    broadcast_id, claimed = claimed_batch(app, sender_with(app, batch_size=10), 30, "killed-sender")  # then it died
    assert len(claimed) == 10
    leases = app.services.broadcasts.leases
    assert mark_abandoned(database, leases, broadcast_id, utcnow()) == 0  # its lease may still run
    later = utcnow() + timedelta(seconds=leases.lease_seconds + 1)
    assert mark_abandoned(database, leases, broadcast_id, later) == 10
    assert app.services.broadcasts.sender.run(broadcast_id) == "drained"
    assert message_counts(app, broadcast_id) == {"sent": 20, "uncertain": 10}
    dead_numbers = {row.phone for row in claimed}
    assert not any(received(app, number) for number in dead_numbers)
    with database.write_transaction() as session:
        assert lifecycle.requeue_uncertain(session, broadcast_id, utcnow()) == 10
    app.services.broadcasts.sender.run(broadcast_id)
    assert message_counts(app, broadcast_id) == {"sent": 30}
    counts = gateway_counts(app)
    assert (counts["messages"], counts["numbers"], counts["duplicates"], counts["in_flight"]) == (30, 30, 0, 0)


def test_pause_stops_sending_and_resume_goes_on(app):
    database = app.services.database
    seed_subscribers(database, 25)
    broadcast_id = make_broadcast(app, topics=["torture"])
    start_due(app)
    with database.write_transaction() as session:
        lifecycle.pause(session, broadcast_id)
    assert app.services.broadcasts.sender.run(broadcast_id) == "paused"
    assert gateway_counts(app)["messages"] == 0
    with database.write_transaction() as session:
        assert lifecycle.resume(session, broadcast_id, utcnow()).status == "running"
    assert app.services.broadcasts.sender.run(broadcast_id) == "drained"
    assert message_counts(app, broadcast_id) == {"sent": 25}


def test_cancel_marks_what_was_not_sent(app):
    database = app.services.database
    seed_subscribers(database, 25)
    broadcast_id = make_broadcast(app, topics=["torture"])
    start_due(app)
    sender_with(app, batch_size=10, sender_threads=1, slice_seconds=0).run(broadcast_id)  # one batch
    with database.write_transaction() as session:
        lifecycle.cancel(session, broadcast_id, utcnow())
    assert app.services.broadcasts.sender.run(broadcast_id) == "cancelled"
    assert message_counts(app, broadcast_id) == {"sent": 10, "cancelled": 15}
    with database.write_transaction() as session, pytest.raises(lifecycle.BroadcastError, match="already cancelled"):
        lifecycle.cancel(session, broadcast_id, utcnow())


@pytest.mark.parametrize("nairobi_time, urgent, stopped_by, sent", [
    ("2026-12-01 05:00", False, "outside send window", 0),
    ("2026-12-01 05:00", True, "drained", 1),  # urgent goes at any hour
    ("2026-12-02 01:30", False, "outside send window", 0),  # in UTC it is still the 1st, 22:30
    ("2026-12-01 07:59", False, "outside send window", 0),
    ("2026-12-01 08:00", False, "drained", 1),
    ("2026-12-01 17:59", False, "drained", 1),
    ("2026-12-01 18:00", False, "outside send window", 0),
])
def test_quiet_hours_hold_non_urgent_broadcasts(live_app, nairobi_time, urgent, stopped_by, sent):
    app = live_app(clock=ManualClock(parse_local_time(nairobi_time)),
                   **{**BROADCAST_SETTINGS, "BROADCAST_SEND_WINDOW": "08:00-18:00"})
    broadcast_id = make_broadcast(app, numbers=[ACCEPTED], urgent=urgent)
    start_due(app)
    assert app.services.broadcasts.sender.run(broadcast_id) == stopped_by
    assert gateway_counts(app)["messages"] == sent


def test_the_rate_is_shared_by_every_worker(app):
    first_worker = SegmentRateLimit(app.services.redis, segments_per_second=100)
    second_worker = SegmentRateLimit(app.services.redis, segments_per_second=100)
    now = 1_000_000.0
    assert first_worker.book(100, now=now) == 0  # the first second is free
    assert second_worker.book(50, now=now) == pytest.approx(1.0)  # queued behind the first
    assert first_worker.book(100, now=now + 0.5) == pytest.approx(1.0)
    assert second_worker.book(10, now=now + 10) == 0  # idle time is not saved up as a burst


def test_a_slow_rate_means_small_requests(app):
    limit = SegmentRateLimit(app.services.redis, segments_per_second=5)
    assert limit.recipients_per_request(1, most=1000) == 5
    assert limit.recipients_per_request(3, most=1000) == 1
    assert SegmentRateLimit(app.services.redis, 100_000).recipients_per_request(1, most=1000) == 1000


def test_many_recipients_go_in_few_requests(live_app):
    app = live_app(**BROADCAST_SETTINGS, BROADCAST_BATCH_SIZE=500)
    seed_subscribers(app.services.database, 2_000)
    broadcast_id = make_broadcast(app, topics=["torture"])
    send_now(app, broadcast_id)
    assert message_counts(app, broadcast_id) == {"sent": 2_000}
    assert gateway_counts(app)["numbers"] == 2_000
    assert gateway_counts(app)["duplicates"] == 0
    assert received(app, fake_number(1_999)) == ["Hello from Haki"]


def test_a_report_that_overtakes_a_batch_is_applied_when_the_batch_is_recorded(app):
    from sms_service.core.models import OutboundMessage
    from sms_service.domain.messaging.delivery_reports import apply_early_reports, record_delivery_report

    database, redis = app.services.database, app.services.redis
    assert apply_early_reports(database, redis, ["ATXid_early"]) == 0  # nothing kept: no lookup
    assert record_delivery_report(database, redis, "ATXid_early", "delivered", "") is False  # kept
    with database.transaction() as session:
        session.add(OutboundMessage(phone=ACCEPTED, text="Hi", purpose="broadcast", status="sent",
                                    gateway_message_id="ATXid_early", created_at=utcnow(), updated_at=utcnow()))
    assert apply_early_reports(database, redis, ["ATXid_other", "ATXid_early"]) == 1
    with database.transaction() as session:
        assert session.query(OutboundMessage).filter_by(gateway_message_id="ATXid_early").one().status == "delivered"


def test_a_batch_cancelled_between_its_claim_and_its_request_is_given_back(app):
    database = app.services.database
    sender = sender_with(app, batch_size=10, sender_threads=1)
    broadcast_id, claimed = claimed_batch(app, sender, 10, "claiming-sender")
    with database.write_transaction() as session:  # staff cancel just after the claim
        lifecycle.cancel(session, broadcast_id, utcnow())
    assert sender._send(broadcast_id, "claiming-sender", claimed) == "cancelled"
    assert message_counts(app, broadcast_id) == {"cancelled": 10}
    assert gateway_counts(app)["messages"] == 0


def test_nothing_is_claimed_when_the_rate_cannot_be_booked(app):
    """The rate is booked before the claim: with Redis away, no message even becomes "sending"."""
    sender = sender_with(app, batch_size=10, sender_threads=1)
    seed_subscribers(app.services.database, 5)
    broadcast_id = make_broadcast(app, topics=["torture"])
    start_due(app)
    plan_all(app.services.database, broadcast_id, 100, app.services.clock.now(), "en")

    import redis

    nothing_listens = redis.Redis(host="127.0.0.1", port=9, socket_connect_timeout=0.5)
    sender.rate_limit = SegmentRateLimit(nothing_listens, segments_per_second=100)  # Redis down
    with pytest.raises(redis.ConnectionError):
        sender.run(broadcast_id)
    assert message_counts(app, broadcast_id) == {"queued": 5}  # not "uncertain": nothing went out
