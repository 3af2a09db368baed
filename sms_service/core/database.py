"""The SQL store: an engine and a session factory built from the configured URL."""

import fcntl
import os
import threading
from contextlib import contextmanager, nullcontext

from sqlalchemy import create_engine, event, text
from sqlalchemy.engine import make_url
from sqlalchemy.orm import sessionmaker

# A USSD hop must answer within AT's few seconds, and must finish well inside the session lock
# (ussd/session_store.py): a database that cannot answer by then is treated as down.
STATEMENT_TIMEOUT_SECONDS = 3


class Database:
    """Owns the engine; hands out short transactions."""

    def __init__(self, url, statement_timeout=STATEMENT_TIMEOUT_SECONDS):
        self.url = url
        self.engine = _make_engine(url, statement_timeout)
        self._sessions = sessionmaker(self.engine, expire_on_commit=False)
        # SQLite: a transaction that reads and then writes must take the write lock up front, or
        # a writer that committed in between makes its first write fail at once (WAL's
        # SQLITE_BUSY_SNAPSHOT) instead of waiting its turn.
        self._write_sessions = sessionmaker(
            self.engine.execution_options(sqlite_begin="IMMEDIATE"), expire_on_commit=False
        )
        parsed = make_url(url)
        is_sqlite_file = parsed.get_backend_name() == "sqlite" and parsed.database not in (None, "", ":memory:")
        self._writers = WriterQueue(os.path.abspath(parsed.database) + ".writers") if is_sqlite_file else None

    @contextmanager
    def transaction(self):
        """A session that commits on success and rolls back on any error."""
        with self._sessions.begin() as session:
            yield session

    @contextmanager
    def write_transaction(self):
        """`transaction` for work that reads, then writes on what it read (see __init__)."""
        with self._write_sessions.begin() as session:
            yield session

    def writer_turn(self):
        """Wait for a turn to write, for code that writes often from many threads and processes.

        SQLite has one writer at a time, and a connection that finds it busy sleeps in steps of
        up to 100 ms before it tries again, leaving the lock idle meanwhile. Writers that take
        their turn here instead wake the moment it is free. PostgreSQL locks rows: no turns.
        """
        return self._writers.turn() if self._writers else nullcontext()

    def ping(self):
        with self.engine.connect() as connection:
            connection.execute(text("SELECT 1"))

    def read_only_reason(self):
        """Why the database would refuse writes, or None when it takes them; checked without
        writing or taking any lock, cheap enough for every health poll.

        SQLite: the file and its folder (WAL writes `-wal` and `-shm` files beside it) must be
        writable, and the connection not `PRAGMA query_only`. PostgreSQL: not a standby in
        recovery, and `default_transaction_read_only` off (what `ALTER DATABASE ... SET
        default_transaction_read_only` or a read-only replica gives).
        """
        parsed = make_url(self.url)
        with self.engine.connect() as connection:
            if parsed.get_backend_name() == "sqlite":
                if connection.exec_driver_sql("PRAGMA query_only").scalar():
                    return "read-only: PRAGMA query_only is on"
                if parsed.database not in (None, "", ":memory:"):
                    path = os.path.abspath(parsed.database)
                    for where in (path, os.path.dirname(path)):
                        if not os.access(where, os.W_OK):
                            return f"read-only: cannot write {'the database file' if where == path else 'its folder'}"
                return None
            if connection.execute(text("SELECT pg_is_in_recovery()")).scalar():
                return "read-only: a standby in recovery"
            if connection.execute(text("SHOW transaction_read_only")).scalar() == "on":
                return "read-only: transaction_read_only is on"
        return None

    def dispose(self):
        self.engine.dispose()


def _make_engine(url, statement_timeout):
    parsed = make_url(url)
    # hide_parameters: error messages (which get logged) must not carry phone numbers or names.
    if parsed.get_backend_name() == "sqlite":
        if parsed.database:
            os.makedirs(os.path.dirname(os.path.abspath(parsed.database)), exist_ok=True)
        engine = create_engine(url, hide_parameters=True, connect_args={"timeout": statement_timeout})
        event.listen(engine, "connect", _tune_sqlite)
        event.listen(engine, "begin", _begin_sqlite)
        return engine
    # Options already in the URL (a search_path, say) are kept: connect_args would replace them.
    options = " ".join(filter(None, [parsed.query.get("options"), f"-c statement_timeout={statement_timeout * 1000}"]))
    return create_engine(
        url,
        hide_parameters=True,
        pool_pre_ping=True,
        connect_args={"connect_timeout": statement_timeout, "options": options},
    )


def _tune_sqlite(dbapi_connection, _record):
    # Python's sqlite3 driver opens and commits transactions on its own, which breaks SAVEPOINTs
    # (a nested rollback would commit what came before). SQLAlchemy's recipe: turn that off and
    # emit BEGIN ourselves (_begin_sqlite).
    dbapi_connection.isolation_level = None
    # Several processes (web workers, RQ worker) share one file: WAL lets readers and a writer
    # work at once, and foreign keys are off in SQLite unless asked for.
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.close()


def _begin_sqlite(connection):
    connection.exec_driver_sql("BEGIN " + connection.get_execution_options().get("sqlite_begin", ""))


class WriterQueue:
    """One writer at a time across the threads and processes of one machine: a thread lock, then
    an exclusive lock on a file beside the database (the kernel wakes the next waiter at once)."""

    def __init__(self, path):
        self.path = path
        self._threads = threading.Lock()
        self._file = None
        self._pid = None

    @contextmanager
    def turn(self):
        with self._threads:
            if self._pid != os.getpid():  # opened per process: a forked job must not share it
                self._file = open(self.path, "a")
                self._pid = os.getpid()
            fcntl.flock(self._file, fcntl.LOCK_EX)
            try:
                yield
            finally:
                fcntl.flock(self._file, fcntl.LOCK_UN)
