"""The RQ worker process: same configuration and Redis as the web app, with RQ's scheduler on."""

from rq import Queue, Worker

from sms_service.config import load_config
from sms_service.redis_connection import connect_redis

QUEUE_NAMES = ("default",)


def build_worker(config=None):
    """A worker listening on our queues, connected like the web app would be."""
    settings = load_config(config)
    connection = connect_redis(settings["REDIS_URL"], settings["INSTANCE_PATH"])
    queues = [Queue(name, connection=connection) for name in QUEUE_NAMES]
    return Worker(queues, connection=connection)


def run_worker(config=None, burst=False):
    """Work until stopped (or, with `burst`, until the queues are empty). True if any job ran."""
    return build_worker(config).work(with_scheduler=True, burst=burst)
