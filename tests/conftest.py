"""Fixtures build the app on real parts: a real Redis and a real SQL database.

Redis: REDIS_URL when set (its database is flushed before each test), otherwise an embedded
server started for the test session. SQL: TEST_DATABASE_URL when set (tests run in a schema of
their own, dropped at the end), otherwise a SQLite file.

The suite runs in parallel processes (pytest-xdist, tasks.py test): each has its own embedded
Redis, SQLite file and PostgreSQL schema, and on a Redis server its own database: the URL's
database for the first process (gw0), the one below it for the next (gw1 of .../15 uses 14).
"""

import os
import subprocess
import sys
import threading
import uuid
from urllib.parse import urlsplit, urlunsplit

import pytest
from sqlalchemy import text

from sms_service import create_app
from sms_service.core.config import PROJECT_ROOT, as_environment
from sms_service.core.database import Database
from sms_service.core.models import Base
from sms_service.core.redis_connection import stop_embedded_redis
from sms_service.core.schema import upgrade_schema
from tests.ports import listening_socket
from tests.ussd_phone import UssdPhone


def redis_url_for_process(url, worker):
    """`url` with the Redis database of xdist process `worker` ("gw3"; "" when not under xdist)."""
    if not url or not worker:
        return url
    parts = urlsplit(url)
    database = int(parts.path.strip("/") or 0) - int(worker.removeprefix("gw"))
    if database < 0:
        raise pytest.UsageError(f"REDIS_URL's database is too low for {worker}: use /15 (databases 15 down to 0)")
    return urlunsplit(parts._replace(path=f"/{database}"))


# Before any app is built, so that everything this process starts (workers, stacks) inherits it.
if os.environ.get("REDIS_URL"):
    os.environ["REDIS_URL"] = redis_url_for_process(os.environ["REDIS_URL"], os.environ.get("PYTEST_XDIST_WORKER", ""))


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
    from sms_service.core.config import database_url

    return database_url(url, "")


@pytest.fixture(scope="session")
def migrated_database_url(database_url):
    database = Database(_postgres(database_url))
    upgrade_schema(database)
    database.dispose()
    return database_url


@pytest.fixture
def make_app(instance_path, migrated_database_url):
    """Build apps on the shared Redis and database, each test starting from empty stores.

    `make_app(clock=ManualClock(...), SETTING=value, ...)`: a test that depends on the time of
    day or the date says which it means with a clock (sms_service/clock.py).
    """
    built = []

    def make(clock=None, **overrides):
        config = {
            "INSTANCE_PATH": instance_path,
            "REDIS_URL": os.environ.get("REDIS_URL", ""),
            "DATABASE_URL": migrated_database_url,
            "TESTING": True,
            # A demo (local gateway, simulator, development defaults) unless a test says otherwise:
            # tests of production pass DEMO_MODE="" with WEBHOOK_TOKEN and SECRET_KEY.
            "DEMO_MODE": True,
        }
        config.update(overrides)
        app = create_app(config, clock=clock)
        built.append(app)
        return app

    first = make()
    first.services.redis.flushdb()
    with first.services.database.transaction() as session:
        for table in reversed(Base.metadata.sorted_tables):
            session.execute(table.delete())
    yield make
    for app in built:
        app.services.database.dispose()


@pytest.fixture
def app(make_app):
    return make_app()


@pytest.fixture
def run_jobs():
    """`run_jobs(app)`: a real RQ worker runs in this process until the queue is empty, its jobs
    on the app's own services (the same configuration, stores and clock; see workers/context.py)."""
    from workers.runner import run_worker

    return lambda app: run_worker(app.services, burst=True)


def worker_process(app, **extra):
    """`python -m workers` for `app`, in a process of its own (its own session, so that a test
    can kill it and what it started). Its environment carries the app's whole configuration
    (config.as_environment), with `extra` settings over it."""
    environment = dict(os.environ, **as_environment(app.services.config), **{key: str(value) for key, value in extra.items()})
    return subprocess.Popen([sys.executable, "-m", "workers"], cwd=PROJECT_ROOT, env=environment,
                            start_new_session=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


@pytest.fixture
def live_app(make_app):
    """The app served over real HTTP on 127.0.0.1, its SMS going to a local gateway of its own,
    served on another port (as `tasks.py run` does), on the app's configuration and Redis."""
    from werkzeug.serving import make_server

    from sms_service.channels.africastalking.local_gateway import create_gateway_app

    sockets = listening_socket(), listening_socket()
    port, gateway_port = (listening.getsockname()[1] for listening in sockets)
    made = []

    def serve(**overrides):
        overrides.setdefault("LOCAL_GATEWAY_DLR_DELAY_MS", 0)
        app = make_app(PORT=str(port), LOCAL_GATEWAY_PORT=str(gateway_port), AT_API_BASE_URL="", **overrides)
        gateway = create_gateway_app(app.services.config, app.services.redis)
        for served, listening in ((app, sockets[0]), (gateway, sockets[1])):
            server = make_server("127.0.0.1", listening.getsockname()[1], served, threaded=True, fd=listening.fileno())
            threading.Thread(target=server.serve_forever, daemon=True).start()
            made.append(server)
        app.config["SERVER_URL"] = f"http://127.0.0.1:{port}"
        return app

    yield serve
    for server in made:
        server.shutdown()
        server.server_close()
    for listening in sockets:
        listening.close()


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def phone(client):
    """A caller on a basic phone, dialling the service through AT's USSD callback."""
    return UssdPhone(client, "0712345678")


@pytest.fixture
def database(app):
    return app.services.database
