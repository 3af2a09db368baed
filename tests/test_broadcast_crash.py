"""The fault test: a worker killed with SIGKILL in the middle of a 20,000-recipient broadcast,
while a gateway request is in flight. After a restart every recipient has exactly one message
(the gateway counts), and the batch that was in flight is "uncertain", not resent."""

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import psutil

from sms_service.local_gateway import RECEIVED_KEY
from tests.broadcast_helpers import (
    BROADCAST_SETTINGS, gateway_counts, make_broadcast, message_counts, rows, wait_until,
)
from tests.conftest import WORKER_SETTINGS
from tests.seeding import seed_subscribers

PROJECT_ROOT = Path(__file__).resolve().parent.parent
RECIPIENTS = 20_000
WORKER = {
    **{key: str(value) for key, value in BROADCAST_SETTINGS.items() if key.startswith("BROADCAST_")},
    "BROADCAST_SENDERS": "1",
    "BROADCAST_SENDER_THREADS": "1",  # one request in flight: the kill lands inside it
    "BROADCAST_LEASE_SECONDS": "2",
    "BROADCAST_TICK_SECONDS": "1",
}


def start_worker(app):
    env = dict(os.environ, **{key: str(app.config[key]) for key in WORKER_SETTINGS}, **WORKER)
    return subprocess.Popen([sys.executable, "-m", "workers"], cwd=PROJECT_ROOT, env=env,
                            start_new_session=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


def kill(worker):
    """SIGKILL the worker and the work-horse it forked for the job (RQ gives that one a session
    of its own, so killing the worker's process group alone would leave it running)."""
    try:
        horses = psutil.Process(worker.pid).children(recursive=True)
    except psutil.NoSuchProcess:
        horses = []
    for process in [worker, *horses]:
        try:
            os.kill(process.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
    worker.wait(timeout=10)


def test_a_worker_killed_mid_broadcast_loses_and_repeats_nothing(live_app):
    app = live_app(**BROADCAST_SETTINGS, LOCAL_GATEWAY_LATENCY_MS=300)
    seed_subscribers(app.extensions["database"], RECIPIENTS)
    broadcast_id = make_broadcast(app, topics=["torture"])
    worker = start_worker(app)
    try:
        # Mid-broadcast, with a batch inside the gateway's 300 ms delay (it came in under 100 ms
        # ago, so the sender cannot have its answer yet): the worst moment to die.
        snapshot = {}

        def request_just_in():
            snapshot.update(gateway_counts(app))
            return (snapshot["messages"] >= 5_000 and snapshot["in_flight"] >= 1
                    and time.time() - snapshot["last_request_at"] < 0.1)

        wait_until(request_just_in, 60, "a request in flight after 5,000 messages")
        kill(worker)
        wait_until(lambda: gateway_counts(app)["messages"] > snapshot["messages"], 10,
                   "the killed sender's request to land at the gateway all the same")

        worker = start_worker(app)
        wait_until(lambda: _status(app, broadcast_id) == "completed", 90, "the broadcast to complete")
    finally:
        kill(worker)

    counts = gateway_counts(app)
    assert (counts["messages"], counts["numbers"], counts["duplicates"]) == (RECIPIENTS, RECIPIENTS, 0)
    by_status = message_counts(app, broadcast_id)
    assert set(by_status) == {"sent", "uncertain"}
    assert 0 < by_status["uncertain"] <= 1000  # the batch in flight, and nothing else
    assert by_status["sent"] + by_status["uncertain"] == RECIPIENTS
    redis = app.extensions["redis"]
    uncertain = [phone for phone, row in rows(app, broadcast_id).items() if row.status == "uncertain"]
    assert all(redis.sismember(RECEIVED_KEY, phone) for phone in uncertain)  # it did go out, once


def _status(app, broadcast_id):
    from sms_service.models import Broadcast

    with app.extensions["database"].transaction() as session:
        return session.get(Broadcast, broadcast_id).status
