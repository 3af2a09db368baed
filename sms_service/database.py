"""The SQL store: an engine and a session factory built from the configured URL."""

import os
from contextlib import contextmanager

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

    @contextmanager
    def transaction(self):
        """A session that commits on success and rolls back on any error."""
        with self._sessions.begin() as session:
            yield session

    def ping(self):
        with self.engine.connect() as connection:
            connection.execute(text("SELECT 1"))

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
    # connect_args replace the URL's own `options` (the tests' search_path, say): keep both.
    timeout = f"-c statement_timeout={statement_timeout * 1000}"
    options = f"{parsed.query['options']} {timeout}" if parsed.query.get("options") else timeout
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
    connection.exec_driver_sql("BEGIN")
