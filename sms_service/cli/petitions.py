"""`flask petitions ...`: staff answer a web signer's request to erase their signature."""

import click
from flask import current_app
from flask.cli import AppGroup

from sms_service.core.clock import show_local
from sms_service.core.countries import country_name
from sms_service.domain import audit
from sms_service.domain.campaigns.petitions import erase_signatures, find_web_signatures

petitions_cli = AppGroup("petitions", help="Petition signatures.")


@petitions_cli.command("erase-web-signature")
@click.argument("petition")
@click.argument("name")
@click.option("--email", help="The email the person signed with, if they gave one.")
@click.option("--yes", is_flag=True, help="Do not ask for confirmation.")
def erase_web_signature(petition, name, email, yes):
    """Erase the web signature of NAME (and --email) on PETITION, as the privacy notice promises."""
    if petition not in current_app.services.flow_book.petitions:
        raise click.ClickException(f"no petition {petition!r} (known: {', '.join(current_app.services.flow_book.petitions)})")
    with current_app.services.database.write_transaction() as session:
        found = find_web_signatures(session, petition, name, email)
        if not found:
            raise click.ClickException("no web signature of that name" + (" and email" if email else " without an email"))
        for signature in found:
            click.echo(f"  {signature.full_name}  {country_name(signature.country, 'en')}  {show_local(signature.signed_at)}")
        if not yes and not click.confirm(f"Erase {len(found)} signature(s)?"):
            raise click.ClickException("nothing erased")
        erased = erase_signatures(session, found)
        audit.record(session, audit.command_line_actor(), "petitions.erase", f"petition {petition}", signatures=erased)
    click.echo(f"Erased {erased} signature(s).")
