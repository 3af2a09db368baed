"""Fixtures for tests of `tasks.py run` and `stop` as real processes (see stack_run.py)."""

import pytest

from tests.local_service.stack_run import TasksRun
from tests.test_procfile import free_port


@pytest.fixture
def tasks_run(tmp_path):
    """`tasks_run()`: a TasksRun on a fresh folder and free port (not started); `tasks_run(like)`:
    another on the same instance folder and port as `like`."""
    made = []

    def make(like=None):
        folder = tmp_path / f"run{len(made)}"
        folder.mkdir()
        run = TasksRun(folder, like.port if like else free_port())
        if like is not None:
            run.instance, run.env = like.instance, like.env
        made.append(run)
        return run

    yield make
    for run in made:
        run.kill_everything()

