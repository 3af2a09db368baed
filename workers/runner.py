"""The RQ worker process: the same configuration, services and Redis as the web, with RQ's scheduler."""

import ctypes
import logging
import os
import signal
import threading
import time

from rq import SimpleWorker

from sms_service.core.periodic_jobs import enqueue_once_per
from sms_service.domain.events.reminders import SWEEP_JOB as EVENT_SWEEP_JOB
from sms_service.domain.events.reminders import SWEEP_QUEUED_KEY as EVENT_SWEEP_QUEUED_KEY
from sms_service.domain.figures.jobs import ROLLUP_JOB, ROLLUP_QUEUED_KEY
from sms_service.domain.messaging.recovery import RECOVERY_JOB, RECOVERY_QUEUED_KEY
from sms_service.domain.people.retention import RETENTION_JOB, RETENTION_QUEUED_KEY
from sms_service.domain.programmes import essay_timers
from sms_service.domain.quizzes.timers import SWEEP_JOB, SWEEP_QUEUED_KEY
from sms_service.engine.ussd import journey_closing
from workers.context import bound

log = logging.getLogger(__name__)


class StoppingWorker(SimpleWorker):
    """RQ's SimpleWorker that, when told to stop (SIGTERM, SIGINT), first tells the job it is
    running: a broadcast sender then stops claiming and hands back what it has not sent, so the
    worker exits within seconds instead of after its slice, and leaves nothing "uncertain" that
    never went out. RQ then finishes the (now returning) job and exits, as in a warm shutdown."""

    def __init__(self, *args, stopping, **kwargs):
        super().__init__(*args, **kwargs)
        self.stopping = stopping

    def request_stop(self, signum, frame):
        self.stopping.set()
        super().request_stop(signum, frame)


def build_worker(services):
    """A worker on the services' queue that runs each job itself, in this process.

    Not RQ's default forking worker: a fork per job cost more than a quiz answer's whole work
    (bench/quiz_load.py: 20 texts/s and a p99 of 23 s forking, 65/s and 0.2 s without), and a
    forked child inherited the parent's pooled database connections. Job time limits still hold
    (RQ enforces them with SIGALRM in this process).
    """
    queues = list(services.queues.values())  # replies first: a worker takes them before anything else
    return StoppingWorker(queues, connection=services.redis, stopping=services.stopping)


def run_worker(services, burst=False):
    """Work with `services` until stopped (or, with `burst`, until the queues are empty); True
    if any job ran. Its jobs use these very services (workers/context.py).

    A long-running worker also runs the clocks (see `start_clocks`).
    """
    with bound(services):
        worker = build_worker(services)
        if not burst:
            children_die_with_this_process()
            start_clocks(services)
        return worker.work(with_scheduler=True, burst=burst)


PR_SET_PDEATHSIG = 1  # linux/prctl.h
_children_die = []  # the worker pid the fork hook was registered for, once per process


def children_die_with_this_process():
    """Every child this process forks from now on (RQ's scheduler: the only one) is sent SIGTERM
    when this process dies, even by `kill -9`: it then releases the scheduler lock and exits,
    instead of running on, orphaned, and keeping every new worker's scheduler idle. Linux only
    (prctl(2) PR_SET_PDEATHSIG); elsewhere nothing changes."""
    if _children_die:
        return
    parent = os.getpid()
    _children_die.append(parent)
    try:
        prctl = ctypes.CDLL(None, use_errno=True).prctl
    except (OSError, AttributeError):  # not Linux
        return

    def in_child():
        prctl(PR_SET_PDEATHSIG, signal.SIGTERM, 0, 0, 0)
        if os.getppid() != parent:  # the parent died before prctl took effect
            os.kill(os.getpid(), signal.SIGTERM)

    os.register_at_fork(after_in_child=in_child)


def start_clocks(services):
    """Queue the periodic jobs, each at once and then at its interval, from threads: the
    broadcast tick every BROADCAST_TICK_SECONDS, the quiz sweep every QUIZ_SWEEP_SECONDS, the
    recovery of stranded messages every RECOVERY_SECONDS (messaging/recovery.py), the retention
    job every RETENTION_SWEEP_SECONDS (people/retention.py), the USSD journey sweep (sessions
    without an end notification, journeys past their retention) every minute, the event sweep
    (reminders, notices) every EVENT_SWEEP_SECONDS, the essay sweep every ESSAY_SWEEP_SECONDS
    (programmes/essay_timers.py), the charts' daily figures every FIGURES_ROLLUP_SECONDS
    (figures/rollup.py).

    Not through RQ's scheduler: after a worker is killed, its scheduler lock keeps a new
    worker's scheduler idle for a minute or two, and recovering from that kill is the tick's
    job. The threads only talk to Redis; the jobs themselves run like any other.
    """
    broadcasts = services.broadcasts
    _every(broadcasts.settings.tick_seconds, broadcasts.dispatch.tick_now, "broadcast-clock")
    _every(services.config["QUIZ_SWEEP_SECONDS"], lambda: queue_quiz_sweep(services), "quiz-clock")
    _every(services.config["RECOVERY_SECONDS"], lambda: queue_recovery(services), "recovery-clock")
    _every(services.config["FIGURES_ROLLUP_SECONDS"], lambda: queue_figures_rollup(services), "figures-clock")
    _every(services.config["RETENTION_SWEEP_SECONDS"], lambda: queue_retention(services), "retention-clock")
    _every(journey_closing.SWEEP_SECONDS, lambda: queue_journey_sweep(services), "journey-clock")
    _every(services.config["EVENT_SWEEP_SECONDS"], lambda: queue_event_sweep(services), "event-clock")
    _every(services.config["ESSAY_SWEEP_SECONDS"], lambda: queue_essay_sweep(services), "essay-clock")


def queue_quiz_sweep(services):
    """Queue the quiz sweep unless a worker queued one within the interval (every worker runs
    the clock; one sweep per interval is enough)."""
    seconds = services.config["QUIZ_SWEEP_SECONDS"]
    return enqueue_once_per(services.queue, SWEEP_QUEUED_KEY, seconds, SWEEP_JOB,
                            result_ttl=0, job_timeout=max(60, seconds * 2))


def queue_event_sweep(services):
    """Queue the event sweep (events/reminders.py) unless a worker queued one within the interval."""
    seconds = services.config["EVENT_SWEEP_SECONDS"]
    return enqueue_once_per(services.queue, EVENT_SWEEP_QUEUED_KEY, seconds, EVENT_SWEEP_JOB,
                            result_ttl=0, job_timeout=max(60, seconds * 2))


def queue_recovery(services):
    """Queue the recovery of stranded messages unless a worker queued it within the interval."""
    seconds = services.config["RECOVERY_SECONDS"]
    return enqueue_once_per(services.queue, RECOVERY_QUEUED_KEY, seconds, RECOVERY_JOB,
                            result_ttl=0, job_timeout=max(60, seconds * 2))


def queue_figures_rollup(services, force=False):
    """Queue the count of the charts' daily figures unless a worker queued it within the interval."""
    seconds = services.config["FIGURES_ROLLUP_SECONDS"]
    return enqueue_once_per(services.queue, ROLLUP_QUEUED_KEY, seconds, ROLLUP_JOB, force=force,
                            result_ttl=0, job_timeout=max(300, seconds * 2))


def queue_retention(services):
    """Queue the retention job unless a worker queued it within the interval."""
    seconds = services.config["RETENTION_SWEEP_SECONDS"]
    return enqueue_once_per(services.queue, RETENTION_QUEUED_KEY, seconds, RETENTION_JOB,
                            result_ttl=0, job_timeout=max(300, seconds))


def queue_journey_sweep(services):
    """Queue the USSD journey sweep unless a worker queued it within the interval."""
    seconds = journey_closing.SWEEP_SECONDS
    return enqueue_once_per(services.queue, journey_closing.SWEEP_QUEUED_KEY, seconds, journey_closing.SWEEP_JOB,
                            result_ttl=0, job_timeout=max(60, seconds * 2))


def queue_essay_sweep(services):
    """Queue the essay sweep unless a worker queued one within the interval."""
    seconds = services.config["ESSAY_SWEEP_SECONDS"]
    return enqueue_once_per(services.queue, essay_timers.SWEEP_QUEUED_KEY, seconds, essay_timers.SWEEP_JOB,
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
