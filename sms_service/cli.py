"""`flask` commands: `flask db upgrade`, `flask flows check`, `flask sms ...`."""

import click
from flask import current_app
from flask.cli import AppGroup
from sqlalchemy import select

from sms_service.flows.checker import check_flows
from sms_service.models import InboundMessage
from sms_service.quizzes.checks import quiz_warnings
from sms_service.schema import upgrade_schema
from sms_service.sms.encoding import character_names, describe_text
from sms_service.sms.webhooks import INBOUND_JOB

db_cli = AppGroup("db", help="The SQL schema.")
flows_cli = AppGroup("flows", help="The menu, keyword and quiz definitions in flows/.")
sms_cli = AppGroup("sms", help="The SMS channel.")


@db_cli.command("upgrade")
def db_upgrade():
    """Create the schema, or bring it up to the newest migration."""
    upgrade_schema(current_app.extensions["database"])
    click.echo("database schema is up to date")


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
    with current_app.extensions["database"].transaction() as session:
        pending = session.execute(
            select(InboundMessage.id).where(InboundMessage.handled_at.is_(None))
        ).scalars().all()
    for message_id in pending:
        current_app.extensions["queue"].enqueue(INBOUND_JOB, message_id, job_id=f"inbound-{message_id}")
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
