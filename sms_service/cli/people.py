"""`flask people ...`: a person's own data, on their request (Kenya's Data Protection Act 2019)."""

import click
from flask import current_app
from flask.cli import AppGroup

from sms_service.core.phone_numbers import InvalidPhoneNumber, normalise_msisdn
from sms_service.domain import audit
from sms_service.domain.people.erasure import erase_person

people_cli = AppGroup("people", help="People's own data: erasure on request.")


@people_cli.command("erase")
@click.argument("number")
@click.option("--yes", is_flag=True, help="Do not ask for confirmation.")
def erase(number, yes):
    """Erase everything kept about NUMBER (its messages, signatures, subscriptions, consents, quiz
    answers, school, USSD sessions); anonymous counts stay, and an opt-out stays in force."""
    try:
        phone = normalise_msisdn(number)
    except InvalidPhoneNumber as error:
        raise click.BadParameter(str(error), param_hint="NUMBER") from None
    services = current_app.services
    pseudonym = services.phone_keys.pseudonym(phone)
    if not yes and not click.confirm(f"Erase everything kept about {pseudonym}? This cannot be undone"):
        raise click.ClickException("nothing erased")
    report = erase_person(services.database, services.redis, services.phone_keys, phone, services.clock.now(),
                          audit.command_line_actor(), "cli")
    if not report.found_anything:
        click.echo(f"Nothing was kept about {pseudonym}.")
        return
    for table, count in report.rows.items():
        if count:
            click.echo(f"  {table}: {count}")
    click.echo(f"  Redis keys: {report.redis_keys}")
    if report.kept_opt_out:
        click.echo("  The number had opted out: its keyed hash stays in the suppression list.")
    click.echo(f"Erased {pseudonym}.")
