"""The app a worker's jobs use: built once per worker process (from the environment, like the
web), before RQ forks a child for each job."""

from functools import cache

from sms_service import create_app


@cache
def worker_app():
    return create_app()
