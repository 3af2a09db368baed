"""The RQ worker process: the same configuration, app and Redis as the web, with RQ's scheduler."""

from rq import Worker

from workers.app_context import worker_app


def build_worker():
    """A worker on our queues, with the app built once here so each forked job inherits it."""
    app = worker_app()
    queue = app.extensions["queue"]
    return Worker([queue], connection=queue.connection)


def run_worker(burst=False):
    """Work until stopped (or, with `burst`, until the queues are empty). True if any job ran.

    A long-running worker starts the broadcast tick at once: it recovers what a worker killed
    before it left behind, and keeps itself scheduled from then on.
    """
    worker = build_worker()
    if not burst:
        worker_app().extensions["broadcasts"].dispatch.tick_now()
    return worker.work(with_scheduler=True, burst=burst)
