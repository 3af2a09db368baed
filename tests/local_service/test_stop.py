"""`python3 tasks.py stop` stops the run serving an instance folder as SIGTERM does, and cleans up
after a run that was killed without a chance to (kill -9): its web and worker, and the embedded
Redis that run started. A Redis that ran before the run is left running."""

import signal

from sms_service.core.redis_connection import ensure_embedded_redis
from tests.local_service.stack_run import listening_on, redis_server, runs


def test_stop_stops_a_live_run_but_not_the_redis_that_ran_before_it(tasks_run):
    run = tasks_run()
    ensure_embedded_redis(str(run.instance))  # a Redis this run did not start
    redis_process = redis_server(run.instance)
    run.start()
    run.wait_until_serving()

    code, output, seconds = run.command("stop")

    assert (code, output.strip()) == (0, f"stopped the run (pid {run.process.pid}) on :{run.port}")
    assert run.wait(1)[0] == 128 + signal.SIGTERM  # stop waited for the run to end
    assert seconds < 10
    assert run.left_running() == [] and listening_on(run.port) == []
    assert runs(redis_process)
    assert run.command("stop")[:2] == (0, "not running\n")


def test_stop_cleans_up_after_a_run_killed_with_sigkill(tasks_run):
    run = tasks_run().start()
    run.wait_until_serving()
    redis_process = redis_server(run.instance)  # started by this run
    run.signal(signal.SIGKILL)
    run.wait(5)
    assert run.left_running() != []  # honcho, web and worker carry on without it

    code, output, _ = tasks_run(like=run).command("run")
    assert (code, "`python3 tasks.py stop` stops it" in output) == (1, True)  # it names what to do

    code, output, seconds = run.command("stop")

    left_behind = "web and worker, the embedded Redis"
    assert (code, output.strip()) == (0, f"not running; stopped what run {run.process.pid} left behind: {left_behind}")
    assert seconds < 10
    assert run.left_running() == [] and listening_on(run.port) == []
    assert not runs(redis_process)
    assert not (run.instance / "run.pid").exists()
