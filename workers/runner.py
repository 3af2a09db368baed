"""The RQ worker process: the same configuration, app and Redis as the web, with RQ's scheduler."""

import logging
import threading
import time

from rq import SimpleWorker

from sms_service.periodic_jobs import enqueue_once_per
from sms_service.quizzes.timers import SWEEP_JOB, SWEEP_QUEUED_KEY
from workers.app_context import worker_app

log = logging.getLogger(__name__)


def build_worker():
    """A worker on our queues that runs each job itself, in this process, with the app built once.

    Not RQ's default forking worker: a fork per job cost more than a quiz answer's whole work
    (bench/quiz_load.py: 20 texts/s and a p99 of 23 s forking, 65/s and 0.2 s without), and a
    forked child inherited the parent's pooled database connections. Job time limits still hold
    (RQ enforces them with SIGALRM in this process).
    """
    app = worker_app()
    queue = app.extensions["queue"]
    return SimpleWorker([queue], connection=queue.connection)


def run_worker(burst=False):
    """Work until stopped (or, with `burst`, until the queues are empty). True if any job ran.

    A long-running worker also runs the clocks (see `start_clocks`).
    """
    worker = build_worker()
    if not burst:
        start_clocks(worker_app())
    return worker.work(with_scheduler=True, burst=burst)


def start_clocks(app):
    """Queue the periodic jobs, each at once and then at its interval, from threads: the
    broadcast tick every BROADCAST_TICK_SECONDS, the quiz sweep every QUIZ_SWEEP_SECONDS.

    Not through RQ's scheduler: after a worker is killed, its scheduler lock keeps a new
    worker's scheduler idle for a minute or two, and recovering from that kill is the tick's
    job. The threads only talk to Redis; the jobs themselves run like any other.
    """
    broadcasts = app.extensions["broadcasts"]
    _every(broadcasts.settings.tick_seconds, broadcasts.dispatch.tick_now, "broadcast-clock")
    _every(app.config["QUIZ_SWEEP_SECONDS"], lambda: queue_quiz_sweep(app), "quiz-clock")


def queue_quiz_sweep(app):
    """Queue the quiz sweep unless a worker queued one within the interval (every worker runs
    the clock; one sweep per interval is enough)."""
    seconds = app.config["QUIZ_SWEEP_SECONDS"]
    return enqueue_once_per(app.extensions["queue"], SWEEP_QUEUED_KEY, seconds, SWEEP_JOB,
                            result_ttl=0, job_timeout=max(60, seconds * 2))


def _every(seconds, queue_job, name):
    def loop():
        while True:
            try:
                queue_job()
            except Exception:  # Redis away for a moment: the next round tries again
                log.exception("%s could not queue its job", name)
            time.sleep(seconds)

    threading.Thread(target=loop, daemon=True, name=name).start()
