"""The suite runs in parallel processes (tasks.py test, pytest-xdist), each on stores of its own."""

import pytest

import tasks
from tests.conftest import redis_url_for_process

PARALLEL = ["--numprocesses", "auto", "--dist", "worksteal"]


@pytest.mark.parametrize("url, worker, expected", [
    ("redis://127.0.0.1:6379/15", "gw0", "redis://127.0.0.1:6379/15"),
    ("redis://127.0.0.1:6379/15", "gw1", "redis://127.0.0.1:6379/14"),
    ("redis://:secret@cache.example:6380/9?socket_timeout=5", "gw3", "redis://:secret@cache.example:6380/6?socket_timeout=5"),
    ("redis://127.0.0.1:6379/15", "", "redis://127.0.0.1:6379/15"),  # not under xdist
    ("", "gw2", ""),  # the embedded Redis: one per process already
])
def test_each_process_flushes_a_redis_database_of_its_own(url, worker, expected):
    assert redis_url_for_process(url, worker) == expected


def test_a_database_number_that_would_go_below_zero_is_refused():
    with pytest.raises(pytest.UsageError, match="too low for gw2"):
        redis_url_for_process("redis://127.0.0.1:6379/1", "gw2")


@pytest.mark.parametrize("args, setting, expected", [
    ([], "", PARALLEL),
    (["-k", "petition", "-x"], "", PARALLEL),
    ([], "3", ["--numprocesses", "3", "--dist", "worksteal"]),
    (["-n", "0", "--pdb"], "", []),  # one process, as --pdb needs
    (["-n0"], "", []),
    (["--numprocesses=4"], "", []),
    (["--dist", "loadfile"], "", []),
    (["-p", "no:xdist"], "", []),
])
def test_tasks_test_runs_in_parallel_unless_told_otherwise(monkeypatch, args, setting, expected):
    monkeypatch.setenv("TEST_PROCESSES", setting)
    assert tasks._parallel(args) == expected
