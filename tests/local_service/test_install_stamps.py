"""tasks.py installs into .venv once per change of the requirements; `run` and `flask` count the
dev install (requirements-dev.txt includes requirements.txt with `-r`) as covering their own."""

import pytest

import tasks

RUN, DEV = "requirements.txt", "requirements-dev.txt"


@pytest.fixture
def project(tmp_path, monkeypatch):
    (tmp_path / RUN).write_text("flask==3.1.3\n")
    (tmp_path / DEV).write_text("# test tools\n-r requirements.txt\npytest==9.0.3\n")
    (tmp_path / ".venv").mkdir()
    monkeypatch.setattr(tasks, "ROOT", tmp_path)
    monkeypatch.setattr(tasks, "VENV", tmp_path / ".venv")
    return tmp_path


@pytest.mark.parametrize(
    "stamped, changed_after, run_installed, dev_installed",
    [
        ([], None, False, False),
        ([DEV], None, True, True),  # `test` ran: `run` installs nothing more
        ([RUN], None, True, False),  # `run` ran: `test` still installs its tools
        ([DEV], RUN, False, False),  # requirements.txt changed since: both install again
        ([RUN, DEV], DEV, True, False),
    ],
)
def test_which_installs_count_as_done(project, stamped, changed_after, run_installed, dev_installed):
    for requirements in stamped:
        tasks._stamp(requirements).write_text(tasks._digest(requirements))
    if changed_after:
        (project / changed_after).write_text((project / changed_after).read_text() + "requests==2.34.2\n")
    assert (tasks.is_installed(RUN), tasks.is_installed(DEV)) == (run_installed, dev_installed)
