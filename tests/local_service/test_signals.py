"""A stop signal to `tasks.py run` stops everything it started, as a service manager expects:
SIGTERM (kill, timeout, process managers, IDE stop buttons), SIGHUP (the terminal closed) and
Ctrl-C (SIGINT to the terminal's foreground process group). Within 10 s, with the exit status
128 + the signal's number, no process of its tree left, nothing listening on its port, and the
embedded Redis it started (it was not running before) stopped."""

import signal

import pytest
import redis

from sms_service.core.config import PROJECT_ROOT
from sms_service.core.redis_connection import embedded_socket_path
from tests.local_service.stack_run import listening_on, redis_server, runs

STOP_SECONDS = 10


@pytest.mark.parametrize(
    "signum, to_group, status",
    [
        (signal.SIGTERM, False, 143),
        (signal.SIGHUP, False, 129),
        (signal.SIGINT, True, 130),  # Ctrl-C
    ],
    ids=["SIGTERM", "SIGHUP", "Ctrl-C"],
)
def test_a_stop_signal_stops_the_whole_stack_and_its_redis(tasks_run, signum, to_group, status):
    run = tasks_run().start()
    run.wait_until_serving()
    assert f"into {PROJECT_ROOT / '.venv'}" not in run.output()  # "installing ... into": the tests' venv is complete
    redis_process = redis_server(run.instance)  # started by this run: nothing answered before it
    tree = run.collect_tree()
    names = " ".join(" ".join(process.cmdline()) for process in tree)
    assert "honcho" in names and "gunicorn" in names and "-m workers" in names

    run.signal(signum, to_group)
    code, seconds = run.wait(STOP_SECONDS)

    assert (code, seconds < STOP_SECONDS) == (status, True)
    assert run.left_running() == []
    assert listening_on(run.port) == []
    assert not runs(redis_process)
    with pytest.raises(redis.ConnectionError):
        redis.Redis(unix_socket_path=embedded_socket_path(str(run.instance)), socket_connect_timeout=1).ping()
    assert not (run.instance / "run.pid").exists()


def test_a_run_stops_the_redis_a_killed_run_started_and_left(tasks_run):
    killed = tasks_run().start()
    killed.wait_until_serving()
    left_redis = redis_server(killed.instance)
    killed.signal(signal.SIGKILL)
    killed.wait(5)
    for process in killed.collect_tree():  # its web and worker end too; its Redis stays
        if runs(process):
            process.kill()
    assert runs(left_redis)

    run = tasks_run(like=killed).start()
    run.wait_until_serving()
    run.signal(signal.SIGTERM)

    assert run.wait(STOP_SECONDS)[0] == 143
    assert not runs(left_redis)
