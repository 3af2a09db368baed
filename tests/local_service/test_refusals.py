"""`tasks.py run` refuses at once, before installing or migrating anything, with exit status 1:
when a run already serves the same instance folder (the pid file's lock is held), and when
another program holds its port. A pid file left by a run that died does not block."""

import json
import socket
import subprocess
import sys

from local_service.pid_file import RunRecord

REFUSAL_SECONDS = 5  # a Python start and a look at one file and one port


def dead_pid():
    finished = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, text=True)
    return int(finished.stdout)


def test_a_stale_pid_file_does_not_block_and_a_second_run_is_refused(tasks_run):
    first = tasks_run()
    first.instance.mkdir()
    left = RunRecord(pid=dead_pid(), host="127.0.0.1", port=first.port, nonce="from-a-killed-run", honcho=dead_pid())
    (first.instance / "run.pid").write_text(json.dumps(vars(left)))
    first.start()
    nonce = first.wait_until_serving()
    assert nonce != "from-a-killed-run"

    code, output, seconds = tasks_run(like=first).command("run")

    assert (code, output.splitlines()[0]) == (1, f"already running (pid {first.process.pid}) on :{first.port}")
    assert output.splitlines()[1:] == ["`python3 tasks.py stop` stops it"]  # nothing installed, migrated
    assert seconds < REFUSAL_SECONDS
    assert first.wait_until_serving() == nonce  # the first run serves on, its pid file untouched


def test_a_port_another_program_holds_gets_its_own_refusal(tasks_run):
    run = tasks_run()
    with socket.socket() as other_program:
        other_program.bind(("127.0.0.1", run.port))
        other_program.listen()
        code, output, seconds = run.command("run")
    expected = (f"port {run.port} on 127.0.0.1 is taken by another program; stop it, "
                f"or choose another port: PORT={run.port + 1} python3 tasks.py run")
    assert (code, output.strip(), seconds < REFUSAL_SECONDS) == (1, expected, True)
    assert not (run.instance / "run.pid").exists()
