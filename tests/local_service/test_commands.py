"""tasks.py's commands as a person types them: help for each without installing anything, usage
errors, and `tasks.py flask ...` passing through to the venv's flask (from any directory, with
flask's own exit status)."""

import os
import subprocess
import sys

import pytest

from sms_service.core.config import PROJECT_ROOT

TASKS = str(PROJECT_ROOT / "tasks.py")


@pytest.mark.parametrize(
    "args, status, shown",
    [
        (["--help"], 0, "The commands a new machine needs"),
        ([], 2, "The commands a new machine needs"),
        (["deploy"], 2, "The commands a new machine needs"),
        (["run", "--help"], 0, "python3 tasks.py run\n"),
        (["stop", "-h"], 0, "python3 tasks.py stop\n"),
        (["test", "--help"], 0, "python3 tasks.py test [PYTEST ARGUMENTS]"),
        (["flask", "--help"], 0, "python3 tasks.py flask COMMAND [ARGUMENTS]"),
        (["run", "now"], 2, "`run` takes no arguments"),
        (["stop", "all"], 2, "`stop` takes no arguments"),
        (["stop"], 0, "not running"),
        (["flask", "db", "upgrade", "--help"], 0, "Usage: flask db upgrade"),
        (["flask", "no-such-command"], 2, "Usage: flask [OPTIONS] COMMAND"),
    ],
)
def test_commands_answer_as_documented(tmp_path, args, status, shown):
    # From another directory: `--app sms_service` must still import, relative paths stay the user's.
    instance = tmp_path / "instance"  # never the developer's: `stop` would stop their run
    done = subprocess.run([sys.executable, TASKS, *args], cwd=tmp_path, capture_output=True, text=True, timeout=60,
                          env=dict(os.environ, INSTANCE_PATH=str(instance)))
    assert (done.returncode, shown in done.stdout + done.stderr) == (status, True), done.stdout + done.stderr
    assert f"into {PROJECT_ROOT / '.venv'}" not in done.stdout  # tasks.py's "installing ... into ..."
    if args[:1] != ["flask"]:  # (flask builds the app, which makes its instance folder)
        assert not instance.exists()  # tasks.py itself made nothing
