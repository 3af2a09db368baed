"""`flask` commands: `flask db upgrade` and `flask flows check`."""

import click
from flask import current_app
from flask.cli import AppGroup

from sms_service.flows.checker import check_flows
from sms_service.schema import upgrade_schema

db_cli = AppGroup("db", help="The SQL schema.")
flows_cli = AppGroup("flows", help="The menu, keyword and quiz definitions in flows/.")


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
    click.echo(f"flows OK: {len(book.screens)} USSD screens in {', '.join(book.languages)}")
