"""`flask console ...`: console accounts from the command line (the first admin, a lost password)."""

import click
from flask import current_app
from flask.cli import AppGroup

from sms_service.domain.staff import accounts
from sms_service.domain.staff.roles import ROLES

console_cli = AppGroup("console", help="Staff console accounts.")


def _fail(message):
    raise click.ClickException(message)


@console_cli.command("create-user")
@click.argument("username")
@click.option("--role", type=click.Choice(ROLES), default="viewer", show_default=True)
@click.option("--password", help="At least 10 characters (default: a random one, printed once).")
def create_user(username, role, password):
    """Create a console account."""
    password = password or accounts.random_password()
    with current_app.services.database.write_transaction() as session:
        try:
            account = accounts.create_account(session, username, password, role)
        except accounts.AccountError as error:
            _fail(str(error))
        name = account.username
    click.echo(f"created {role} {name!r} with password: {password}")


@console_cli.command("set-password")
@click.argument("username")
@click.option("--password", help="At least 10 characters (default: a random one, printed once).")
def set_password(username, password):
    """Give an account a new password (and switch it back on)."""
    password = password or accounts.random_password()
    with current_app.services.database.write_transaction() as session:
        try:
            account = accounts.find_account(session, username)
            accounts.set_password(account, password)
        except accounts.AccountError as error:
            _fail(str(error))
        account.active = True
    click.echo(f"new password for {username!r}: {password}")


@console_cli.command("seed-admin")
@click.option("--url", default=None, help="Where the console is, to print with the password.")
def seed_admin(url):
    """On a database without accounts, create 'admin' with a random password and print it."""
    with current_app.services.database.write_transaction() as session:
        seeded = accounts.seed_admin(session)
    where = f" at {url}" if url else ""
    if seeded is None:
        click.echo(f"console{where}: accounts exist; "
                   "a lost password: python3 tasks.py flask console set-password NAME")
        return
    account, password = seeded
    click.echo(f"console{where}: log in as {account.username!r} with password {password}")


@console_cli.command("two-factor")
@click.argument("username")
@click.option("--off", is_flag=True, help="Switch two-factor login off instead.")
def two_factor(username, off):
    """Switch TOTP two-factor login on for an editor or admin (prints the otpauth:// URI for an
    authenticator app, once) or off; either ends every login of the account."""
    with current_app.services.database.transaction() as session:
        try:
            account = accounts.find_account(session, username)
            uri = None if off else accounts.enable_two_factor(account)
        except accounts.AccountError as error:
            _fail(str(error))
        if off:
            accounts.disable_two_factor(account)
    if off:
        click.echo(f"two-factor login is off for {username!r}")
    else:
        click.echo(f"two-factor login is on for {username!r}; add this to an authenticator app (shown once):\n{uri}")
