"""The SQL store keeps its promises on SQLite and PostgreSQL alike."""

import pytest
from sqlalchemy import func, select, text

from sms_service.core.models import Subscriber
from sms_service.domain.campaigns.subscribers import get_or_create_subscriber


class Abandon(Exception):
    pass


def test_a_failed_transaction_keeps_nothing_even_after_a_savepoint(database):
    # Python's sqlite3 driver used to commit at a SAVEPOINT; the whole action must roll back.
    with pytest.raises(Abandon):
        with database.transaction() as session:
            get_or_create_subscriber(session, "+254712345678", "en")  # uses a savepoint
            raise Abandon()
    with database.transaction() as session:
        assert session.execute(select(func.count()).select_from(Subscriber)).scalar_one() == 0


def test_database_errors_do_not_carry_phone_numbers(database, caplog):
    with pytest.raises(Exception) as raised:
        with database.transaction() as session:
            session.execute(text("SELECT * FROM no_such_table WHERE phone = :phone"), {"phone": "+254712345678"})
    assert "+254712345678" not in str(raised.value)


TRY_A_TURN = """
import fcntl, sys
with open(sys.argv[1], "a") as lock:
    try:
        fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        print("busy")
    else:
        print("free")
"""


def test_sqlite_writers_take_turns_across_processes(database):
    import subprocess
    import sys

    if database.engine.dialect.name != "sqlite":
        pytest.skip("PostgreSQL locks rows: its writers take no turns")
    path = database._writers.path

    def another_process():
        return subprocess.run([sys.executable, "-c", TRY_A_TURN, path], capture_output=True, text=True).stdout.strip()

    with database.writer_turn():
        assert another_process() == "busy"
    assert another_process() == "free"


def test_postgresql_keeps_the_options_in_its_url(database):
    # The tests' URL names a schema of their own in `options`; the statement timeout must not
    # replace it (it once did, and every test run shared the public schema).
    if database.engine.dialect.name != "postgresql":
        pytest.skip("a PostgreSQL URL's options")
    with database.engine.connect() as connection:
        assert connection.exec_driver_sql("SHOW search_path").scalar().startswith("test_")
        assert connection.exec_driver_sql("SHOW statement_timeout").scalar() == "3s"
