"""The services a worker's jobs use: those its worker was started with.

RQ runs plain functions that take ids, so a job finds its services here. `run_worker(services)`
binds the services it was given, so a worker started by a test runs on exactly that test's
parts: the same configuration, stores and clock, with no list of settings to keep in step. A
worker started from the command line (`python -m workers`, the Procfile's) builds its services
from the environment, as the web process does.
"""

from contextlib import contextmanager

_bound = []  # the innermost bound services last


@contextmanager
def bound(services):
    """Jobs run inside this block use `services`."""
    _bound.append(services)
    try:
        yield services
    finally:
        _bound.remove(services)


def services():
    """The services of the running worker; LookupError outside one (a job run with none bound)."""
    if not _bound:
        raise LookupError("no services are bound: start workers with workers.runner.run_worker(services)")
    return _bound[-1]
