"""Every process below one, found from /proc (Linux) or `ps` (macOS, BSD), so that a stop reaches
the processes honcho starts each in a session of its own, and their children.

A ProcessTree remembers what it has seen: once a process's parent has died, the orphan belongs
to init and can no longer be found by walking down from the root.
"""

import os
import signal
import subprocess
from pathlib import Path

PROC = Path("/proc")


class ProcessTree:
    def __init__(self, root):
        self.root = root
        self.pids = set()
        self.groups = set()

    def refresh(self):
        """Add the processes below the root now (and the root), with their process groups."""
        for pid in {self.root} | descendants(self.root):
            try:
                self.groups.add(os.getpgid(pid))
            except ProcessLookupError:
                continue
            self.pids.add(pid)
        self.groups.discard(os.getpgrp())  # never the group of the process doing the stopping

    def running(self):
        """The pids seen that still run (a zombie has ended: it only waits to be reaped)."""
        return sorted(pid for pid in self.pids if is_running(pid))

    def kill(self):
        """SIGKILL every process group seen, and every process seen that still runs."""
        for group in self.groups:
            _send(os.killpg, group, signal.SIGKILL)
        for pid in self.running():
            _send(os.kill, pid, signal.SIGKILL)


def descendants(pid):
    """The pids of every process below `pid`: children, their children, and so on."""
    children = {}
    for child, parent in _parents().items():
        children.setdefault(parent, []).append(child)
    found, below = set(), [pid]
    while below:
        for child in children.get(below.pop(), []):
            if child not in found:
                found.add(child)
                below.append(child)
    return found


def is_running(pid):
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # someone else's: it exists
        return True
    return _state(pid) != "Z"


def command_line(pid):
    """The process's command line as one string ('' if it is gone)."""
    if PROC.is_dir():
        try:
            return (PROC / str(pid) / "cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace").strip()
        except OSError:
            return ""
    done = subprocess.run(["ps", "-o", "command=", "-p", str(pid)], capture_output=True, text=True)
    return done.stdout.strip()


def _parents():
    """{pid: parent pid} for every process on the machine."""
    if PROC.is_dir():
        table = {}
        for entry in PROC.iterdir():
            if entry.name.isdigit():
                fields = _stat_fields(entry.name)
                if fields:
                    table[int(entry.name)] = int(fields[1])
        return table
    done = subprocess.run(["ps", "-A", "-o", "pid=", "-o", "ppid="], capture_output=True, text=True, check=True)
    return {int(pid): int(ppid) for pid, ppid in (line.split() for line in done.stdout.splitlines())}


def _state(pid):
    fields = _stat_fields(pid) if PROC.is_dir() else None
    return fields[0] if fields else ""


def _stat_fields(pid):
    """/proc/PID/stat after the command name: [state, ppid, pgrp, ...], or None if gone."""
    try:
        stat = (PROC / str(pid) / "stat").read_text()
    except OSError:
        return None
    return stat[stat.rindex(")") + 2:].split()  # the name, in parentheses, may hold spaces


def _send(kill, target, signum):
    try:
        kill(target, signum)
    except (ProcessLookupError, PermissionError):
        pass
