"""The Procfile's worker process runs jobs from the queue on the same Redis as the web app."""

import os

from rq import Queue

from tests.jobs_for_tests import leave_a_mark
from workers.runner import build_worker, run_worker


def test_the_worker_runs_queued_jobs(app, instance_path):
    redis = app.extensions["redis"]
    Queue("default", connection=redis).enqueue(leave_a_mark, "worker-test-mark")
    config = {"INSTANCE_PATH": instance_path, "REDIS_URL": os.environ.get("REDIS_URL", "")}
    assert run_worker(config, burst=True) is True
    assert redis.get("worker-test-mark") == b"done"


def test_the_worker_listens_on_the_default_queue(instance_path):
    worker = build_worker({"INSTANCE_PATH": instance_path, "REDIS_URL": os.environ.get("REDIS_URL", "")})
    assert worker.queue_names() == ["default"]
