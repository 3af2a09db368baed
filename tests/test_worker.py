"""The Procfile's worker process runs jobs from the queue on the same Redis as the web app, with
exactly the web app's configuration."""

import os

from sms_service.core.config import DEFAULTS, as_environment, load_config
from tests.jobs_for_tests import leave_a_mark
from workers.runner import build_worker


def test_the_worker_runs_queued_jobs(app, run_jobs):
    redis = app.services.redis
    app.services.queue.enqueue(leave_a_mark, "worker-test-mark")
    assert run_jobs(app) is True
    assert redis.get("worker-test-mark") == b"done"


def test_the_worker_takes_replies_before_anything_else(app):
    assert build_worker(app.services).queue_names() == ["replies", "default"]  # replies first


def test_a_worker_process_reads_back_every_setting_of_the_app_that_started_it(make_app, monkeypatch):
    # Settings that differ from their defaults: one lost on the way would show.
    app = make_app(BROADCAST_SEND_WINDOW="00:00-24:00", BROADCAST_SEGMENTS_PER_SECOND=12.5, QUIZ_SWEEP_SECONDS=7,
                   WEBHOOK_TOKEN="s3cret", LOCAL_GATEWAY_DLR_DELAY_MS=-1, USSD_SERVICE_CODE="*384*9#")
    for key in list(os.environ):
        monkeypatch.delenv(key)
    for key, value in as_environment(app.services.config).items():
        monkeypatch.setenv(key, value)
    seen_by_worker = load_config({"TESTING": True})  # TESTING: no .env; the worker reads none here
    assert {key: seen_by_worker[key] for key in DEFAULTS} == {key: app.services.config[key] for key in DEFAULTS}
