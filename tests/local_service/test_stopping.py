"""The process tree and the stop: every process below a root is found (also those in sessions of
their own, as honcho starts them), a polite signal is forwarded, and what ignores it is SIGKILLed
once the grace time is over, process group by process group."""

import signal
import subprocess
import sys
import textwrap
import time

import psutil
import pytest

from local_service.process_tree import command_line, descendants
from local_service.stopping import stop_tree
from sms_service.core.config import PROJECT_ROOT

# A root that starts a child in a session of its own (as honcho does), which starts a grandchild.
# With "obey", SIGTERM makes each pass it on to its child (as honcho does) and end; with
# "ignore", all three ignore it. Each prints its pid.
TREE = textwrap.dedent("""
    import os, signal, subprocess, sys
    mode, depth, me = sys.argv[1], int(sys.argv[2]), sys.argv[3]
    child = None
    def stop(signum, frame):
        if child is not None:
            child.terminate()
            child.wait()
        sys.exit(0)
    signal.signal(signal.SIGTERM, signal.SIG_IGN if mode == "ignore" else stop)
    print(os.getpid(), flush=True)
    if depth < 2:
        child = subprocess.Popen([sys.executable, "-c", me, mode, str(depth + 1), me], start_new_session=depth == 0)
    while True:
        signal.pause()
""")


@pytest.fixture
def tree():
    """`tree(mode)`: (the root's Popen, the pids of all three), killed at the end whatever happens."""
    made = []

    def start(mode):
        root = subprocess.Popen([sys.executable, "-c", TREE, mode, "0", TREE], stdout=subprocess.PIPE, text=True)
        pids = [int(root.stdout.readline()) for _ in range(3)]
        made.append((root, pids))
        return root, pids

    yield start
    for root, pids in made:
        for pid in pids:
            try:
                psutil.Process(pid).kill()
            except psutil.NoSuchProcess:
                pass
        root.wait(timeout=10)


def ended(pids):
    def gone(pid):
        try:
            return psutil.Process(pid).status() == psutil.STATUS_ZOMBIE
        except psutil.NoSuchProcess:
            return True
    return all(gone(pid) for pid in pids)


def test_every_process_below_is_found_as_psutil_finds_it(tree):
    root, pids = tree("obey")
    expected = {child.pid for child in psutil.Process(root.pid).children(recursive=True)}
    assert descendants(root.pid) == expected == set(pids[1:])
    assert "-c" in command_line(root.pid) and command_line(2 ** 22 + 1) == ""


@pytest.mark.parametrize(
    "mode, politely, at_most_seconds",
    [
        ("obey", True, 0.9),  # SIGTERM ends them all well before the grace time
        ("ignore", False, 2.5),  # grace (1 s), then SIGKILL to each process group
    ],
)
def test_a_stop_ends_the_whole_tree_within_the_grace_time(tree, mode, politely, at_most_seconds):
    root, pids = tree(mode)
    started = time.monotonic()
    assert stop_tree(root.pid, signal.SIGTERM, grace_seconds=1, reap=root.poll) == politely
    assert time.monotonic() - started < at_most_seconds
    time.sleep(0.2)  # the kernel's bookkeeping of a SIGKILL
    assert ended(pids)


# Asked to stop 0.3 s into a step that takes 1 s: the step ends as it would have, then the stop.
FINISHING = textwrap.dedent("""
    import sys
    from local_service.stopping import Stopped, finish_despite_stops, raise_on_stop_signals
    raise_on_stop_signals()
    print("ready", flush=True)
    step = "import sys, time; time.sleep(1); open(sys.argv[1], 'w').write('done')"
    try:
        finish_despite_stops([sys.executable, "-c", step, sys.argv[1]])
    except Stopped as stop:
        sys.exit(128 + stop.signum)
""")


def test_a_step_that_must_finish_finishes_before_the_stop(tmp_path):
    marker = tmp_path / "step"
    runner = subprocess.Popen([sys.executable, "-c", FINISHING, str(marker)], cwd=PROJECT_ROOT,
                              stdout=subprocess.PIPE, text=True)
    assert runner.stdout.readline() == "ready\n"
    time.sleep(0.3)
    runner.send_signal(signal.SIGTERM)
    assert runner.wait(timeout=10) == 128 + signal.SIGTERM
    assert marker.read_text() == "done"
