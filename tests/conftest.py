"""Fixtures build the app on real parts: a real Redis and a real SQL database.

Redis: REDIS_URL when set (its database is flushed before each test), otherwise an embedded
server started for the test session. SQL: TEST_DATABASE_URL when set (tests run in a schema of
their own, dropped at the end), otherwise a SQLite file.
"""

import os
import socket
import threading
import uuid

import pytest
from sqlalchemy import text

from sms_service import create_app
from sms_service.database import Database
from sms_service.models import Base
from sms_service.redis_connection import stop_embedded_redis
from sms_service.schema import upgrade_schema
from tests.ussd_phone import UssdPhone


@pytest.fixture(scope="session")
def instance_path(tmp_path_factory):
    path = tmp_path_factory.mktemp("instance")
    yield str(path)
    stop_embedded_redis(str(path))


@pytest.fixture(scope="session")
def database_url(tmp_path_factory):
    url = os.environ.get("TEST_DATABASE_URL")
    if not url:
        yield "sqlite:///" + str(tmp_path_factory.mktemp("db") / "test.sqlite3")
        return
    schema = f"test_{uuid.uuid4().hex[:10]}"
    admin = Database(_postgres(url))
    with admin.engine.begin() as connection:
        connection.execute(text(f"CREATE SCHEMA {schema}"))
    separator = "&" if "?" in url else "?"
    yield f"{url}{separator}options=-csearch_path%3D{schema}"
    with admin.engine.begin() as connection:
        connection.execute(text(f"DROP SCHEMA {schema} CASCADE"))
    admin.dispose()


def _postgres(url):
    from sms_service.config import database_url

    return database_url(url, "")


@pytest.fixture(scope="session")
def migrated_database_url(database_url):
    database = Database(_postgres(database_url))
    upgrade_schema(database)
    database.dispose()
    return database_url


@pytest.fixture
def make_app(instance_path, migrated_database_url):
    """Build apps on the shared Redis and database, each test starting from empty stores."""
    built = []

    def make(**overrides):
        config = {
            "INSTANCE_PATH": instance_path,
            "REDIS_URL": os.environ.get("REDIS_URL", ""),
            "DATABASE_URL": migrated_database_url,
            "TESTING": True,
        }
        config.update(overrides)
        app = create_app(config)
        built.append(app)
        return app

    first = make()
    first.extensions["redis"].flushdb()
    with first.extensions["database"].transaction() as session:
        for table in reversed(Base.metadata.sorted_tables):
            session.execute(table.delete())
    yield make
    for app in built:
        app.extensions["database"].dispose()


@pytest.fixture
def app(make_app):
    return make_app()


WORKER_SETTINGS = ("INSTANCE_PATH", "REDIS_URL", "DATABASE_URL", "AT_API_BASE_URL", "AT_API_KEY",
                   "LOCAL_GATEWAY_DLR_DELAY_MS", "WEBHOOK_TOKEN")


@pytest.fixture
def worker_for(monkeypatch):
    """Give the environment a worker process would have for an app (workers configure from it)."""
    from workers.app_context import worker_app

    def configure(app):
        for key in WORKER_SETTINGS:
            monkeypatch.setenv(key, str(app.config[key]))
        worker_app.cache_clear()

    yield configure
    worker_app.cache_clear()


@pytest.fixture
def run_jobs(worker_for):
    """`run_jobs(app)`: a real RQ worker for `app` (forking per job) runs until the queue is empty."""
    from workers.runner import run_worker

    def run(app):
        worker_for(app)
        return run_worker(burst=True)

    return run


def _free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture
def live_app(make_app):
    """The app served over real HTTP on 127.0.0.1, its SMS going to its own local gateway."""
    from werkzeug.serving import make_server

    port = _free_port()
    made = []

    def serve(**overrides):
        overrides.setdefault("LOCAL_GATEWAY_DLR_DELAY_MS", 0)
        app = make_app(PORT=str(port), AT_API_BASE_URL="", **overrides)
        server = make_server("127.0.0.1", port, app, threaded=True)
        threading.Thread(target=server.serve_forever, daemon=True).start()
        app.config["SERVER_URL"] = f"http://127.0.0.1:{port}"
        made.append(server)
        return app

    yield serve
    for server in made:
        server.shutdown()
        server.server_close()


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def phone(client):
    """A caller on a basic phone, dialling the service through AT's USSD callback."""
    return UssdPhone(client, "0712345678")


@pytest.fixture
def database(app):
    return app.extensions["database"]
