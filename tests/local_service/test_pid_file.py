"""The pid file: a live run's lock keeps a second one out (AlreadyRunning, with what the live run
wrote); the lock, not the pid in the file, says who lives, so what a dead run left is taken over."""

import subprocess
import sys
import textwrap

import pytest

from local_service.pid_file import AlreadyRunning, PidFile, RunRecord
from sms_service.core.config import PROJECT_ROOT

RECORD = RunRecord(pid=4242, host="127.0.0.1", port=5000, nonce="n1", started_redis=True, honcho=4243)

HOLDER = textwrap.dedent("""
    import sys
    from local_service.pid_file import PidFile, RunRecord
    pid_file = PidFile(sys.argv[1])
    pid_file.lock()
    pid_file.write(RunRecord(pid=1234, host="127.0.0.1", port=5001, nonce="live"))
    print("locked", flush=True)
    sys.stdin.read()  # until the test closes stdin
""")


@pytest.fixture
def live_holder(tmp_path):
    """Another process holding the pid file of `tmp_path`, as a live run does."""
    holder = subprocess.Popen([sys.executable, "-c", HOLDER, str(tmp_path)], stdin=subprocess.PIPE,
                              stdout=subprocess.PIPE, text=True, cwd=PROJECT_ROOT)
    assert holder.stdout.readline() == "locked\n"
    yield holder
    holder.stdin.close()
    holder.wait(timeout=10)


def test_a_live_holder_keeps_others_out_and_says_who_it_is(tmp_path, live_holder):
    with pytest.raises(AlreadyRunning) as refused:
        PidFile(tmp_path).lock()
    assert refused.value.record == RunRecord(pid=1234, host="127.0.0.1", port=5001, nonce="live")


def test_once_the_holder_ends_the_file_is_stale_and_taken_over(tmp_path, live_holder):
    live_holder.kill()  # as SIGKILL ends a run: no clean-up, the file stays
    live_holder.wait()
    pid_file = PidFile(tmp_path)
    pid_file.lock()
    assert pid_file.read().nonce == "live"  # what the dead run left, for `stop`
    pid_file.write(RECORD)
    assert PidFile(tmp_path).read() == RECORD
    pid_file.release()
    assert not pid_file.path.exists()


@pytest.mark.parametrize("content", ["", "not json", '{"pid": 1}', "[1, 2]"])
def test_a_file_this_code_did_not_write_reads_as_none(tmp_path, content):
    (tmp_path / "run.pid").write_text(content)
    assert PidFile(tmp_path).read() is None


def test_unlock_keeps_the_file_release_removes_it(tmp_path):
    pid_file = PidFile(tmp_path)
    pid_file.lock()
    pid_file.write(RECORD)
    pid_file.unlock()
    assert PidFile(tmp_path).read() == RECORD
    pid_file.lock()
    pid_file.release()
    assert PidFile(tmp_path).read() is None
