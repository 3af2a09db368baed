"""`flask figures rollup`: count the charts' daily figures for past days (after an upgrade, or to
redo a range), as the workers' clock does for the last few days."""

import click
from flask import current_app
from flask.cli import AppGroup

from sms_service.cli.days import DAY
from sms_service.domain.figures.reading import RangeError, checked_range, days_of
from sms_service.domain.figures.rollup import roll_up
from sms_service.engine.campaign_attribution import attribution_from_book

figures_cli = AppGroup("figures", help="The charts' daily figures.")


@figures_cli.command("rollup")
@click.option("--from", "first", type=DAY, required=True, help="First Nairobi day, e.g. 2026-11-01.")
@click.option("--to", "last", type=DAY, required=True, help="Last Nairobi day, included.")
def rollup(first, last):
    """Count the figures of every Nairobi day from --from to --to into the charts' table."""
    services = current_app.services
    try:
        days = days_of(*checked_range(first, last))
    except RangeError as error:
        raise click.UsageError(str(error)) from None
    written = roll_up(services.database, attribution_from_book(services.flow_book), days, services.clock.now(),
                      services.config["SIMULATOR_PREFIX"])
    click.echo(f"Counted {len(written)} day(s), {sum(written.values())} figure(s).")
