"""The README works as written, so that a rename fails CI instead of a reader: every `tasks.py`
command and every `flask` command it names (in code spans and code blocks) answers `--help` with
exit status 0 (an option it names that the command lacks fails too), and every file or folder it
names in backticks exists in the repository."""

import fnmatch
import json
import os
import re
import shlex
import subprocess
import sys

import pytest

from sms_service.core.config import PROJECT_ROOT

README = (PROJECT_ROOT / "README.md").read_text()
CODE_BLOCK = re.compile(r"^```[^\n]*\n(.*?)^```", re.S | re.M)
# A path: words joined by slashes (a folder ends with one); `*` for a glob.
PATH = re.compile(r"^[\w.*-]+(/[\w.*-]+)*/?$")
FILE_ENDINGS = (".py", ".md", ".yaml", ".yml", ".txt", ".html", ".css", ".js", ".json", ".toml", ".cfg", ".ini", ".sh")
# Named in backticks, but made by a run, not kept in the repository.
MADE_AT_RUN_TIME = ("instance/", ".venv/", "artefacts/")
NOT_PATHS = {"text/plain"}  # a media type
SKIPPED_FOLDERS = {".git", ".venv", "instance", "__pycache__", ".pytest_cache"}
# The commands here are at most GROUP COMMAND deep (`console set-password`); what follows are
# their arguments, which `--help` placed right after the command still parses.
COMMAND_DEPTH = 2


def code_texts(markdown):
    """Each line of each code block (a line ending in a backslash joined to the next), then each
    inline code span of the prose."""
    lines = [line for block in CODE_BLOCK.findall(markdown) for line in block.replace("\\\n", " ").splitlines()]
    return lines + re.findall(r"`([^`\n]+)`", CODE_BLOCK.sub("", markdown))


def tasks_commands(texts):
    return sorted({found for text in texts for found in re.findall(r"tasks\.py\s+([a-z][\w-]*)", text)})


def flask_commands(texts):
    """The argument lists of the `flask` commands named, each with `--help` after its command;
    `broadcasts list | show ID` names two."""
    commands = set()
    for text in texts:
        found = re.search(r"(?:tasks\.py\s+flask|(?<![\w/.-])flask)\s+(.+)$", text)
        if not found:
            continue
        words = shlex.split(found.group(1), comments=True)
        if words[:2] == ["--app", "sms_service"]:
            words = words[2:]
        alternatives = [[]]
        for word in words:
            if word == "|":
                alternatives.append([])
            else:
                alternatives[-1].append(word)
        group = alternatives[0][:1]
        for number, alternative in enumerate(alternatives):
            commands.add(tuple(_with_help(alternative if number == 0 else group + alternative)))
    return sorted(commands)


def _with_help(argv):
    depth = 0
    while depth < min(COMMAND_DEPTH, len(argv)) and not argv[depth].startswith("-") and argv[depth] != "...":
        depth += 1
    return [*argv[:depth], "--help", *(word for word in argv[depth:] if word != "...")]


def named_paths(texts):
    return sorted({text for text in texts if PATH.match(text) and ("/" in text or text.endswith(FILE_ENDINGS))
                   and text not in NOT_PATHS and not text.startswith(MADE_AT_RUN_TIME)})


def repository_paths():
    """Every file and folder of the repository, relative, with / between parts."""
    found = []
    for folder, subfolders, files in os.walk(PROJECT_ROOT):
        subfolders[:] = [name for name in subfolders if name not in SKIPPED_FOLDERS]
        relative = os.path.relpath(folder, PROJECT_ROOT).replace(os.sep, "/")
        found += [name if relative == "." else f"{relative}/{name}" for name in subfolders + files]
    return found


def exists_in(paths, named):
    """`console/navigation.py` exists if some path is it or ends with it; `quizzes/*.yaml` as a glob."""
    named = named.rstrip("/")
    if "*" in named:
        return any(fnmatch.fnmatch(path, named) or fnmatch.fnmatch(path, "*/" + named) for path in paths)
    return any(path == named or path.endswith("/" + named) for path in paths)


TEXTS = code_texts(README)


def test_the_readme_is_read_as_expected():
    """The readers below find what they should: a guard against a regex that finds nothing."""
    assert {"run", "stop", "test", "flask"} <= set(tasks_commands(TEXTS))
    assert ("console", "set-password", "--help", "admin") in flask_commands(TEXTS)
    assert ("broadcasts", "show", "--help", "ID") in flask_commands(TEXTS)
    assert {"web/console/navigation.py", "tests/console/test_access.py", "gunicorn.conf.py"} <= set(named_paths(TEXTS))


@pytest.mark.parametrize("command", tasks_commands(TEXTS))
def test_every_tasks_command_it_names_has_help(command):
    done = subprocess.run([sys.executable, "tasks.py", command, "--help"], cwd=PROJECT_ROOT,
                          capture_output=True, text=True, timeout=60)
    assert (done.returncode, done.stdout.startswith(f"python3 tasks.py {command}")) == (0, True), done.stdout


# One process for all of them, the app loaded once: what the venv's `flask` runs, without a
# second of start-up per command.
FLASK_HELP = """
import json, sys
from click.testing import CliRunner
from flask.cli import ScriptInfo, cli
info = ScriptInfo(app_import_path="sms_service")
failed = []
for argv in json.load(sys.stdin):
    result = CliRunner().invoke(cli, ["--app", "sms_service", *argv], obj=info)
    if result.exit_code != 0:
        failed.append([" ".join(argv), result.exit_code, result.output[-400:]])
print(json.dumps(failed))
"""


def test_every_flask_command_it_names_has_help():
    commands = flask_commands(TEXTS)
    done = subprocess.run([sys.executable, "-c", FLASK_HELP], input=json.dumps(commands), cwd=PROJECT_ROOT,
                          capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout.splitlines()[-1]) == []


def test_every_path_it_names_exists():
    paths = repository_paths()
    assert [named for named in named_paths(TEXTS) if not exists_in(paths, named)] == []
