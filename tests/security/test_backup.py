"""`flask db backup PATH` and `flask db restore PATH`: a backup taken while the service holds data,
restored over a database that lost it, brings back every row of every table (SQLite's online
backup; pg_dump and pg_restore on PostgreSQL)."""

from sqlalchemy import insert, select

from sms_service.core.models import Base, Subscriber
from sms_service.core.schema import schema_is_current
from tests.broadcast_helpers import BROADCAST_SETTINGS, make_broadcast, send_now
from tests.console_helpers import make_role_accounts
from tests.seeding import seed_subscribers


def every_row(database):
    """Each table's rows, in primary-key order."""
    with database.engine.connect() as connection:
        return {table.name: connection.execute(select(table).order_by(*table.primary_key.columns)).all()
                for table in Base.metadata.sorted_tables}


def test_a_restored_backup_has_every_row_back(live_app, tmp_path):
    app = live_app(**BROADCAST_SETTINGS)
    database = app.services.database
    seed_subscribers(database, 300)
    make_role_accounts(app)
    client = app.test_client()
    for n, text in enumerate(["JOIN", "STOP", "ATT Achieng Otieno", "Habari \u2019za asubuhi\u2019"]):
        form = {"from": f"+2547220000{n:02d}", "to": "21212", "text": text, "date": "2026-12-01 09:00", "id": f"b-{n}"}
        assert client.post("/sms/inbound", data=form).status_code == 200
    send_now(app, make_broadcast(app, topics=["torture"]))
    before = every_row(database)
    assert sum(len(rows) for rows in before.values()) > 600

    runner = app.test_cli_runner()
    backup = tmp_path / "haki.backup"
    made = runner.invoke(args=["db", "backup", str(backup)])
    assert made.exit_code == 0, made.output
    assert "backed up to" in made.output and backup.stat().st_size > 0

    with database.transaction() as session:  # the loss: every row gone, a stray one added
        for table in reversed(Base.metadata.sorted_tables):
            session.execute(table.delete())
        session.execute(insert(Subscriber), [{"phone": "+254700000001", "language": "en"}])
    assert every_row(database) != before

    restored = runner.invoke(args=["db", "restore", "--yes", str(backup)])
    assert restored.exit_code == 0, restored.output
    assert every_row(database) == before
    assert schema_is_current(database)


def test_restoring_something_that_is_not_a_backup_changes_nothing(app, tmp_path):
    seed_subscribers(app.services.database, 5)
    before = every_row(app.services.database)
    bogus = tmp_path / "notes.txt"
    bogus.write_text("not a backup\n")
    result = app.test_cli_runner().invoke(args=["db", "restore", "--yes", str(bogus)])
    assert result.exit_code != 0
    assert "Error:" in result.output
    assert every_row(app.services.database) == before
