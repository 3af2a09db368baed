"""Small steps the broadcast tests share: make, start, send and count a broadcast."""

import dataclasses
import time

from sms_service.broadcasts import service
from sms_service.broadcasts.sender import BroadcastSender
from sms_service.broadcasts.planner import plan_all
from sms_service.local_gateway import counts, messages_for
from sms_service.models import OutboundMessage, utcnow

BROADCAST_SETTINGS = {
    "BROADCAST_SEND_WINDOW": "00:00-24:00",  # tests run at any hour; quiet hours have their own tests
    "BROADCAST_SEGMENTS_PER_SECOND": 100_000,
    "LOCAL_GATEWAY_DLR_DELAY_MS": -1,
}


def make_broadcast(app, texts=None, **fields):
    with app.extensions["database"].write_transaction() as session:
        broadcast = service.create_broadcast(
            session, app.extensions["flow_book"], name="test", texts={"en": "Hello from Haki"} if texts is None else texts,
            created_by="tests", **fields,
        )
        return broadcast.id


def sender_with(app, sms_client=None, **settings):
    """The app's sender with other settings (or another gateway client), on the same stores."""
    runtime = app.extensions["broadcasts"]
    return BroadcastSender(
        app.extensions["database"], sms_client or app.extensions["sms_client"], app.extensions["redis"],
        dataclasses.replace(runtime.settings, **settings), runtime.sender.rate_limit, runtime.leases,
    )


def start_due(app, now=None):
    with app.extensions["database"].write_transaction() as session:
        return service.start_due(session, now or utcnow())


def send_now(app, broadcast_id):
    """Start a broadcast and run one sender on it in this process; returns why it stopped."""
    start_due(app)
    return app.extensions["broadcasts"].sender.run(broadcast_id)


def message_counts(app, broadcast_id):
    with app.extensions["database"].transaction() as session:
        return service.progress(session, broadcast_id).counts


def rows(app, broadcast_id):
    with app.extensions["database"].transaction() as session:
        return {row.phone: row for row in session.query(OutboundMessage).filter_by(broadcast_id=broadcast_id)}


def received(app, number):
    """The texts the local gateway accepted for `number`."""
    return [entry["message"] for entry in messages_for(app.extensions["redis"], number)]


def gateway_counts(app):
    return counts(app.extensions["redis"])


def claimed_batch(app, sender, recipients, token):
    """A running topic broadcast to `recipients` seeded subscribers, written out, with one batch
    claimed by `sender` under `token` (and then, in the tests, left or stopped)."""
    from tests.seeding import seed_subscribers

    database = app.extensions["database"]
    seed_subscribers(database, recipients)
    broadcast_id = make_broadcast(app, topics=["torture"])
    start_due(app)
    plan_all(database, broadcast_id, 100)
    claimed, _ = sender._claim(broadcast_id, token, sender.request_size(broadcast_id))
    return broadcast_id, claimed


def wait_until(condition, seconds=10, what="the condition"):
    deadline = time.monotonic() + seconds
    while not condition():
        assert time.monotonic() < deadline, f"timed out waiting for {what}"
        time.sleep(0.02)
