"""The SQL store keeps its promises on SQLite and PostgreSQL alike."""

import pytest
from sqlalchemy import func, select, text

from sms_service.campaigns.subscribers import get_or_create_subscriber
from sms_service.models import Subscriber


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


def test_options_in_a_postgres_url_are_kept(database):
    """The URL's `options` (here the tests' own schema) must survive the statement timeout we add."""
    if database.engine.dialect.name != "postgresql":
        pytest.skip("PostgreSQL only")
    with database.engine.connect() as connection:
        assert connection.execute(text("SHOW search_path")).scalar_one().startswith("test_")
        assert connection.execute(text("SHOW statement_timeout")).scalar_one() == "3s"
