"""Every message has a kind (domain/messaging/kinds.py) and goes through the one send path:
replies at any hour, first; transactional messages inside their window; one attempts rule for
all, after which a message fails with its last reason and is never left "retry"."""

import pytest
from sqlalchemy import select

from sms_service.core.clock import ManualClock, parse_local_time
from sms_service.core.models import OutboundMessage
from sms_service.domain.messaging.kinds import PURPOSES, MessageKind
from sms_service.domain.messaging.outbox import deliver, queue_message
from tests.sms_phone import Texter


def outbound(app):
    with app.services.database.transaction() as session:
        return session.execute(select(OutboundMessage).order_by(OutboundMessage.id)).scalars().all()


def try_again(app, message_id):
    services = app.services
    return deliver(services.database, services.gateway, message_id, services.clock.now(), services.messaging,
                   services.redis)


def test_a_reply_goes_at_any_hour(live_app, run_jobs):
    app = live_app(clock=ManualClock(parse_local_time("2026-12-02 02:00")))  # a Nairobi night
    texter = Texter(app, app.test_client(), run_jobs).text("HELP")
    assert texter.last.startswith("Haki Yetu: text JOIN")


def test_a_reply_that_keeps_failing_fails_for_good_after_the_last_attempt(live_app, run_jobs):
    app = live_app(clock=ManualClock(parse_local_time("2026-12-01 10:00")), LOCAL_GATEWAY_FAILURE_RATE=1.0,
                   MESSAGE_MAX_ATTEMPTS=3)
    Texter(app, app.test_client(), run_jobs).text("HELP")
    [reply] = outbound(app)
    assert (reply.status, reply.attempts) == ("retry", 1)
    assert try_again(app, reply.id).status == "retry"  # not due yet: no second try before its time
    seen = []
    for _ in range(2):
        app.services.clock.advance(minutes=3)  # past each backoff (10 s, then 30 s)
        delivery = try_again(app, reply.id)
        seen.append((delivery.status, outbound(app)[0].attempts))
    assert seen == [("retry", 2), ("failed", 3)]
    [reply] = outbound(app)
    assert (reply.status, reply.failure_reason, reply.retry_at) == ("failed", "InternalServerError", None)
    assert try_again(app, reply.id).again_at is None  # final: nothing to try again


def test_a_stop_confirmation_reaches_the_number_that_just_opted_out(live_app, run_jobs):
    app = live_app()
    texter = Texter(app, app.test_client(), run_jobs).text("STOP")
    assert texter.inbox == ["You will get no more messages from Haki Yetu. Text JOIN to subscribe again."]
    with app.services.database.transaction() as session:  # any other reply to it fails at send time
        message_id = queue_message(session, texter.phone, "Hello", "reply", app.services.clock.now()).id
    assert try_again(app, message_id).status == "failed"
    assert outbound(app)[-1].failure_reason == "Suppressed"


def test_every_purpose_has_a_kind_and_no_other_purpose_is_queued(app):
    assert {purpose.kind for purpose in PURPOSES.values()} == set(MessageKind)
    with app.services.database.transaction() as session, pytest.raises(KeyError):
        queue_message(session, "+254711082001", "Hello", "newsletter", app.services.clock.now())
