"""The RQ worker process: the same configuration, app and Redis as the web, with RQ's scheduler."""

import logging
import threading
import time

from rq import Worker

from workers.app_context import worker_app

log = logging.getLogger(__name__)


def build_worker():
    """A worker on our queues, with the app built once here so each forked job inherits it."""
    app = worker_app()
    queue = app.extensions["queue"]
    return Worker([queue], connection=queue.connection)


def run_worker(burst=False):
    """Work until stopped (or, with `burst`, until the queues are empty). True if any job ran.

    A long-running worker also runs the broadcast clock (see `start_broadcast_clock`).
    """
    worker = build_worker()
    if not burst:
        start_broadcast_clock(worker_app().extensions["broadcasts"])
    return worker.work(with_scheduler=True, burst=burst)


def start_broadcast_clock(broadcasts):
    """Queue the broadcast tick at once and then every BROADCAST_TICK_SECONDS, from a thread.

    Not through RQ's scheduler: after a worker is killed, its scheduler lock keeps a new
    worker's scheduler idle for a minute or two, and recovering from that kill is the tick's
    job. The thread only talks to Redis; the tick itself runs as a job like any other.
    """
    def queue_ticks():
        while True:
            try:
                broadcasts.dispatch.tick_now()
            except Exception:  # Redis away for a moment: the next round tries again
                log.exception("could not queue the broadcast tick")
            time.sleep(broadcasts.settings.tick_seconds)

    threading.Thread(target=queue_ticks, daemon=True, name="broadcast-clock").start()
