"""Attacks on workers dying (issue 14): `kill -9` in the middle of a broadcast, and of a worker
whose RQ scheduler child then ran on, orphaned, holding the scheduler lock."""

import os
import signal

import psutil

from tests.broadcast_helpers import (
    BROADCAST_SETTINGS,
    kill_mid_broadcast_and_check,
    kill_worker,
    wait_until,
)
from tests.conftest import worker_process

RECIPIENTS = 4_000
# A slow rate and several sender threads: batches wait for their turn, the moment a kill used
# to strand claimed messages as "uncertain" although none of them had gone out.
SLOW = {**BROADCAST_SETTINGS, "BROADCAST_SEGMENTS_PER_SECOND": 400, "BROADCAST_BATCH_SIZE": 200,
        "BROADCAST_SENDERS": 1, "BROADCAST_SENDER_THREADS": 4, "BROADCAST_LEASE_SECONDS": 2,
        "BROADCAST_TICK_SECONDS": 1, "LOCAL_GATEWAY_LATENCY_MS": 300}


def test_a_worker_killed_mid_broadcast_leaves_uncertain_only_what_was_in_flight(live_app):
    """The attack: a worker killed during a 5,000-recipient broadcast left 800 recipients
    "uncertain" although none had gone out (claimed, then waiting for the rate). Now every
    uncertain one went out in the request in flight."""
    app = live_app(**SLOW)
    kill_mid_broadcast_and_check(app, RECIPIENTS, after=800, most_uncertain=200)


def test_the_scheduler_child_exits_and_frees_its_lock_when_its_worker_is_killed(live_app):
    app = live_app()
    redis = app.services.redis
    worker = worker_process(app)
    try:
        wait_until(lambda: psutil.Process(worker.pid).children(), 30, "the RQ scheduler child to start")
        [scheduler] = psutil.Process(worker.pid).children()
        wait_until(lambda: redis.keys("rq:scheduler-lock:*"), 30, "the scheduler to take its lock")
        os.kill(worker.pid, signal.SIGKILL)  # the worker only: its child must follow by itself
        worker.wait(timeout=10)
        wait_until(lambda: not scheduler.is_running() or scheduler.status() == psutil.STATUS_ZOMBIE, 10,
                   "the scheduler child to exit")
        wait_until(lambda: not redis.keys("rq:scheduler-lock:*"), 10, "the scheduler lock to be released")
    finally:
        kill_worker(worker)
