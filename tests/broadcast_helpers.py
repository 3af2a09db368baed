"""Small steps the broadcast tests share: make, start, send and count a broadcast."""

import dataclasses
import os
import signal
import time

import psutil

from sms_service.channels.africastalking.local_gateway import counts, messages_for
from sms_service.core.models import Broadcast, OutboundMessage
from sms_service.domain.broadcasts import lifecycle, progress, staff
from sms_service.domain.broadcasts.planner import plan_all
from sms_service.domain.broadcasts.sender import BroadcastSender

BROADCAST_SETTINGS = {
    "BROADCAST_SEND_WINDOW": "00:00-24:00",  # tests run at any hour; quiet hours have their own tests
    "BROADCAST_SEGMENTS_PER_SECOND": 100_000,
    "LOCAL_GATEWAY_DLR_DELAY_MS": -1,
}


def make_broadcast(app, texts=None, **fields):
    if fields.get("numbers") is not None:  # a list needs its consent basis stated (as an import does)
        fields.setdefault("consent_basis", "Signed up at the test stall, 2026-11-20")
    with app.services.database.write_transaction() as session:
        broadcast = staff.create_broadcast(
            session, app.services.flow_book, name="test", texts={"en": "Hello from Haki"} if texts is None else texts,
            created_by="tests", now=now(app), **fields,
        )
        return broadcast.id


def sender_with(app, sms_client=None, **settings):
    """The app's sender with other settings (or another gateway client), on the same stores."""
    runtime = app.services.broadcasts
    return BroadcastSender(
        app.services.database, sms_client or app.services.gateway, app.services.redis,
        dataclasses.replace(runtime.settings, **settings), runtime.sender.rate_limit, runtime.leases, runtime.clock,
        book=app.services.flow_book,
    )


def now(app):
    """The time by the app's clock."""
    return app.services.clock.now()


def start_due(app, when=None):
    with app.services.database.write_transaction() as session:
        return lifecycle.start_due(session, when or now(app))


def send_now(app, broadcast_id):
    """Start a broadcast and run one sender on it in this process; returns why it stopped."""
    start_due(app)
    return app.services.broadcasts.sender.run(broadcast_id)


def message_counts(app, broadcast_id):
    with app.services.database.transaction() as session:
        return progress.progress(session, broadcast_id).counts


def rows(app, broadcast_id):
    with app.services.database.transaction() as session:
        return {row.phone: row for row in session.query(OutboundMessage).filter_by(broadcast_id=broadcast_id)}


def received(app, number):
    """The texts the local gateway accepted for `number`."""
    return [entry["message"] for entry in messages_for(app.services.redis, number)]


def gateway_counts(app):
    return counts(app.services.redis)


def claimed_batch(app, sender, recipients, token):
    """A running topic broadcast to `recipients` seeded subscribers, written out, with one batch
    claimed by `sender` under `token` (and then, in the tests, left or stopped)."""
    from tests.seeding import seed_subscribers

    database = app.services.database
    seed_subscribers(database, recipients)
    broadcast_id = make_broadcast(app, topics=["torture"])
    start_due(app)
    plan_all(database, broadcast_id, 100, now(app), "en", app.services.flow_book)
    claimed, _ = sender._claim(broadcast_id, token, sender.request_size(broadcast_id)[0])
    return broadcast_id, claimed


def wait_until(condition, seconds=10, what="the condition"):
    deadline = time.monotonic() + seconds
    while not condition():
        assert time.monotonic() < deadline, f"timed out waiting for {what}"
        time.sleep(0.02)


def broadcast_status(app, broadcast_id):
    with app.services.database.transaction() as session:
        return session.get(Broadcast, broadcast_id).status


def kill_worker(worker):
    """SIGKILL a worker process (a Popen) and every process it started (a job's work-horse may
    have a session of its own, so killing the worker's process group alone would leave it)."""
    try:
        children = psutil.Process(worker.pid).children(recursive=True)
    except psutil.NoSuchProcess:
        children = []
    for process in [worker, *children]:
        try:
            os.kill(process.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
    worker.wait(timeout=10)


def kill_mid_broadcast_and_check(app, recipients, after, most_uncertain):
    """The fault test: a worker SIGKILLed in the middle of a broadcast to `recipients` seeded
    subscribers, while a gateway request is in flight after `after` messages went out. After a
    restart every recipient has exactly one message (the gateway counts), at most
    `most_uncertain` are "uncertain", and each of those did go out (in the request in flight)."""
    from sms_service.channels.africastalking.local_gateway import RECEIVED_KEY
    from tests.conftest import worker_process
    from tests.seeding import seed_subscribers

    seed_subscribers(app.services.database, recipients)
    broadcast_id = make_broadcast(app, topics=["torture"])
    worker = worker_process(app)
    try:
        # Mid-broadcast, with a batch inside the gateway's delay (it came in under 100 ms ago,
        # so the sender cannot have its answer yet): the worst moment to die.
        snapshot = {}

        def request_just_in():
            snapshot.update(gateway_counts(app))
            return (snapshot["messages"] >= after and snapshot["in_flight"] >= 1
                    and time.time() - snapshot["last_request_at"] < 0.1)

        wait_until(request_just_in, 60, f"a request in flight after {after:,} messages")
        kill_worker(worker)
        wait_until(lambda: gateway_counts(app)["messages"] > snapshot["messages"], 10,
                   "the killed sender's request to land at the gateway all the same")
        worker = worker_process(app)
        wait_until(lambda: broadcast_status(app, broadcast_id) == "completed", 90, "the broadcast to complete")
    finally:
        kill_worker(worker)

    counts = gateway_counts(app)
    assert (counts["messages"], counts["numbers"], counts["duplicates"]) == (recipients, recipients, 0)
    by_status = message_counts(app, broadcast_id)
    assert set(by_status) <= {"sent", "uncertain"} and sum(by_status.values()) == recipients
    uncertain = [phone for phone, row in rows(app, broadcast_id).items() if row.status == "uncertain"]
    assert 0 < len(uncertain) <= most_uncertain  # the batch in flight, and nothing else
    assert all(app.services.redis.sismember(RECEIVED_KEY, phone) for phone in uncertain)  # it did go out, once
    return broadcast_id
