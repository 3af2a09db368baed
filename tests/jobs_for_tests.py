"""A job the worker test enqueues: it leaves a mark in Redis that the test can read."""

from rq import get_current_job


def leave_a_mark(key):
    get_current_job().connection.set(key, "done")
    return key


def fail_with(message):
    """A job that fails, for the console's queue page."""
    raise ValueError(message)
