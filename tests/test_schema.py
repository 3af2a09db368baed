"""The migrations and the models describe the same schema."""

from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext

from sms_service.core.models import Base
from sms_service.core.schema import schema_is_current


def test_migrations_match_the_models(database):
    with database.engine.connect() as connection:
        differences = compare_metadata(MigrationContext.configure(connection), Base.metadata)
    assert differences == []


def test_the_test_database_is_at_the_newest_migration(database):
    assert schema_is_current(database)


def test_phone_signatures_made_before_web_signatures_get_their_numbers_country(tmp_path):
    """Migration 0010 (signatures without a subscriber) fills in the country of earlier ones."""
    from sqlalchemy import text

    from sms_service.core.database import Database
    from sms_service.core.schema import upgrade_schema

    database = Database("sqlite:///" + str(tmp_path / "old.sqlite3"))
    upgrade_schema(database, "0005")
    with database.engine.begin() as connection:
        for number, (phone, channel) in enumerate((("+254712000001", "ussd"), ("+256772000002", "sms"),
                                                   ("+80012345678", "sms")), 1):
            connection.execute(text("INSERT INTO subscribers (id, phone, language, created_at, updated_at)"
                                    " VALUES (:id, :phone, 'en', '2026-01-01', '2026-01-01')"), {"id": number, "phone": phone})
            connection.execute(text("INSERT INTO petition_signatures (petition, subscriber_id, full_name, consent_at, channel,"
                                    " signed_at) VALUES ('att', :id, 'x', '2026-01-01', :channel, '2026-01-01')"),
                               {"id": number, "channel": channel})
    upgrade_schema(database)
    with database.engine.connect() as connection:
        rows = connection.execute(text("SELECT subscriber_id, country, fingerprint FROM petition_signatures ORDER BY id")).all()
    database.dispose()
    assert [tuple(row) for row in rows] == [(1, "KE", None), (2, "UG", None), (3, None, None)]
