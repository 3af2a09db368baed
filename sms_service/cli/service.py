"""`flask` commands: `flask db upgrade`, `flask flows check`, `flask sms ...`."""

import click
from flask import current_app
from flask.cli import AppGroup
from sqlalchemy import select

from sms_service.core.backup import BackupError, backup_database, restore_database
from sms_service.core.gsm7 import character_names, describe_text
from sms_service.core.models import InboundMessage
from sms_service.core.schema import schema_is_current, upgrade_schema
from sms_service.domain.messaging.inbound import queue_inbound
from sms_service.engine.checks.flows import check_flows
from sms_service.engine.checks.quizzes import quiz_warnings

db_cli = AppGroup("db", help="The SQL schema, backups and restores.")
flows_cli = AppGroup("flows", help="The menu, keyword and quiz definitions in flows/.")
sms_cli = AppGroup("sms", help="The SMS channel.")


@db_cli.command("upgrade")
def db_upgrade():
    """Create the schema, or bring it up to the newest migration."""
    upgrade_schema(current_app.services.database)
    click.echo("database schema is up to date")


@db_cli.command("backup")
@click.argument("path", type=click.Path(dir_okay=False, writable=True))
def db_backup(path):
    """Write a backup of the whole database to PATH, while the service runs (README "Backups")."""
    try:
        size = backup_database(current_app.services.database.url, path)
    except BackupError as error:
        raise click.ClickException(str(error)) from None
    click.echo(f"backed up to {path} ({size:,} bytes)")


@db_cli.command("restore")
@click.argument("path", type=click.Path(exists=True, dir_okay=False))
@click.confirmation_option(prompt="Replace everything in the database with this backup?")
def db_restore(path):
    """Replace the database's contents with the backup in PATH. Stop the web and workers first."""
    database = current_app.services.database
    database.dispose()  # no pooled connection may hold the old tables
    try:
        restore_database(database.url, path)
    except BackupError as error:
        raise click.ClickException(str(error)) from None
    database.dispose()
    note = "" if schema_is_current(database) else "; the backup's schema is older: run flask db upgrade"
    click.echo(f"restored {path}{note}")


@flows_cli.command("check")
@click.option("--path", "flows_path", default=None, help="A flows folder other than the configured one.")
def flows_check(flows_path):
    """Lint every definition; exit 1 listing each problem with its file and screen."""
    path = flows_path or current_app.config["FLOWS_PATH"]
    book, problems = check_flows(path)
    for problem in problems:
        click.echo(str(problem), err=True)
    if problems:
        raise SystemExit(1)
    for warning in quiz_warnings(book):
        click.echo(f"warning: {warning}", err=True)
    quizzes = len(book.quizzes.quizzes) if book.quizzes else 0
    click.echo(f"flows OK: {len(book.screens)} USSD screens and {quizzes} quizzes in {', '.join(book.languages)}")


@sms_cli.command("handle-pending")
def sms_handle_pending():
    """Queue every stored inbound SMS not handled yet (after Redis was down, say)."""
    with current_app.services.database.transaction() as session:
        pending = session.execute(
            select(InboundMessage.id).where(InboundMessage.handled_at.is_(None))
        ).scalars().all()
    for message_id in pending:
        queue_inbound(current_app.services.queues, message_id)
    click.echo(f"queued {len(pending)} inbound message(s)")


@sms_cli.command("describe")
@click.argument("text")
def sms_describe(text):
    """Encoding, length and segments of TEXT, with what forces UCS-2 and a GSM-7 version."""
    report = describe_text(text)
    click.echo(f"{report.encoding}, {report.length} characters, {report.segments} segment(s)")
    if report.forcing_ucs2:
        shown = " ".join(character_names(report.forcing_ucs2))
        click.echo(f"forces UCS-2: {shown}")
    if report.gsm7_suggestion is not None:
        click.echo(f"GSM-7 version: {report.gsm7_suggestion}")
