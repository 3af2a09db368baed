"""Stopping the stack like a service: the signals that ask for it, and the stop itself (ask the
root politely, wait, then kill what is left).

SIGTERM is what kill, timeout, process managers and IDE stop buttons send; SIGHUP comes when
the terminal closes; SIGINT is Ctrl-C.
"""

import os
import signal
import subprocess
import time

from local_service.process_tree import ProcessTree, is_running

STOP_SIGNALS = (signal.SIGINT, signal.SIGTERM, signal.SIGHUP)
# What honcho is sent for each: it handles SIGINT and SIGTERM (stopping its processes), but
# SIGHUP would kill honcho alone and orphan them.
FORWARD = {signal.SIGINT: signal.SIGINT, signal.SIGTERM: signal.SIGTERM, signal.SIGHUP: signal.SIGTERM}
# honcho SIGKILLs a process 5 s after the first one stopped; after this long everything left is
# SIGKILLed, which leaves time to stop the embedded Redis within the 10 s a stop may take.
GRACE_SECONDS = 8.0
POLL_SECONDS = 0.1


class Stopped(Exception):
    """A stop signal arrived; `signum` says which (an exit status of 128 + signum is the custom)."""

    def __init__(self, signum):
        super().__init__(signal.Signals(signum).name)
        self.signum = signum


def raise_on_stop_signals():
    """From now on a stop signal raises Stopped wherever this process is."""
    def stop(signum, _frame):
        raise Stopped(signum)

    for signum in STOP_SIGNALS:
        signal.signal(signum, stop)


def ignore_stop_signals():
    for signum in STOP_SIGNALS:
        signal.signal(signum, signal.SIG_IGN)


def finish_despite_stops(command, **options):
    """Run `command` (subprocess.Popen's arguments) to its end, even when asked to stop meanwhile:
    for a step that must not be cut short, like a schema migration. Its exit status; a stop
    signal that came meanwhile is raised (Stopped) once it has ended.

    Its own session keeps a terminal's Ctrl-C, meant for this process, from reaching it.
    """
    process = subprocess.Popen(command, start_new_session=True, **options)
    stopped = None
    while True:
        try:
            status = process.wait()
            break
        except Stopped as stop:
            stopped = stop
    if stopped is not None:
        raise stopped
    return status


def stop_tree(root, signum, grace_seconds=GRACE_SECONDS, reap=lambda: None):
    """Send `signum` to `root`, wait up to `grace_seconds` for it and every process below it to
    end, then SIGKILL the rest (every process group seen, so also what honcho started in
    sessions of their own). `reap` waits for `root` when it is our child (Popen.poll), lest it
    linger as a zombie. True if everything ended before the hard stop.

    A Stopped raised meanwhile (a second Ctrl-C: stop now) ends the wait with the hard stop.
    """
    tree = ProcessTree(root)
    try:
        tree.refresh()  # before the signal: once honcho is gone its processes belong to init
        if is_running(root):
            os.kill(root, signum)
        deadline = time.monotonic() + grace_seconds
        while time.monotonic() < deadline:
            reap()
            tree.refresh()
            if not tree.running():
                return True
            time.sleep(POLL_SECONDS)
    except Stopped:
        tree.refresh()  # (asked to stop again: no more waiting)
    tree.kill()
    reap()
    return False
