"""The Procfile's worker process runs jobs from the queue on the same Redis as the web app."""

from tests.jobs_for_tests import leave_a_mark
from workers.runner import build_worker


def test_the_worker_runs_queued_jobs(app, run_jobs):
    redis = app.extensions["redis"]
    app.extensions["queue"].enqueue(leave_a_mark, "worker-test-mark")
    assert run_jobs(app) is True
    assert redis.get("worker-test-mark") == b"done"


def test_the_worker_listens_on_the_default_queue(app, worker_for):
    worker_for(app)
    assert build_worker().queue_names() == ["default"]
