"""The SQL store: an engine and a session factory built from the configured URL."""

import os
from contextlib import contextmanager

from sqlalchemy import create_engine, event, text
from sqlalchemy.engine import make_url
from sqlalchemy.orm import sessionmaker


class Database:
    """Owns the engine; hands out short transactions."""

    def __init__(self, url):
        self.url = url
        self.engine = _make_engine(url)
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


def _make_engine(url):
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        if parsed.database:
            os.makedirs(os.path.dirname(os.path.abspath(parsed.database)), exist_ok=True)
        engine = create_engine(url, connect_args={"timeout": 15})
        event.listen(engine, "connect", _tune_sqlite)
        return engine
    return create_engine(
        url,
        pool_pre_ping=True,
        connect_args={"connect_timeout": 3},
    )


def _tune_sqlite(dbapi_connection, _record):
    # Several processes (web workers, RQ worker) share one file: WAL lets readers and a writer
    # work at once, and foreign keys are off in SQLite unless asked for.
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.close()
