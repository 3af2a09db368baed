"""Petitions: signatures per petition, by channel and by country, the newest signatures, and CSV
exports of one petition (every signature, or the counts by channel and country)."""

from flask import abort, current_app, g, render_template, request
from sqlalchemy import select

from sms_service.core.clock import show_local
from sms_service.core.countries import country_name
from sms_service.core.models import PetitionSignature, Subscriber
from sms_service.core.phone_numbers import not_a_test_number
from sms_service.domain import audit
from sms_service.domain.campaigns.petitions import signatures_by_channel_and_country
from sms_service.web.console import statistics
from sms_service.web.console.blueprint import blueprint
from sms_service.web.console.csv_export import csv_response, small_csv_response
from sms_service.web.console.names import names_for_staff
from sms_service.web.console.paging import page_of
from sms_service.web.console.roles import requires

PAGE_SIZE = 50


def _signatures(petition):
    # Outer join: a web signature has no subscriber (and so no number).
    return (select(PetitionSignature.full_name, Subscriber.phone, PetitionSignature.county, PetitionSignature.country,
                   PetitionSignature.channel, PetitionSignature.signed_at)
            .outerjoin(Subscriber, Subscriber.id == PetitionSignature.subscriber_id)
            .where(PetitionSignature.petition == petition))


def _known_petition(petition):
    if petition not in current_app.services.flow_book.petitions:
        abort(404, f"There is no petition {petition!r}.")


@blueprint.get("/petitions")
@requires("viewer")
def petitions():
    titles = names_for_staff(current_app.services.flow_book.petitions)
    chosen = request.args.get("petition") or next(iter(titles), "")
    language = current_app.services.flow_book.default_language
    with current_app.services.database.transaction() as session:
        counts = statistics.petition_counts(session, titles, current_app.config["SIMULATOR_PREFIX"])
        by_channel, by_country = statistics.petition_breakdown(session, chosen, language, current_app.config["SIMULATOR_PREFIX"])
        page = page_of(session, _signatures(chosen).order_by(PetitionSignature.id.desc()), PAGE_SIZE, scalars=False)
    return render_template("console/petitions.html", titles=titles, counts=counts, chosen=chosen, page=page,
                           by_channel=by_channel, by_country=by_country, show_local=show_local,
                           country_name=lambda code: country_name(code, language))


@blueprint.get("/petitions/<petition>/export.csv")
@requires("editor")
def export_petition(petition):
    _known_petition(petition)
    database = current_app.services.database
    with database.transaction() as session:
        audit.record(session, g.staff.username, "petitions.export", f"petition {petition}")

    def rows():
        with database.engine.connect() as connection:
            # The simulator's test numbers are in no export.
            signatures = _signatures(petition).where(not_a_test_number(Subscriber.phone, current_app.config["SIMULATOR_PREFIX"]))
            result = connection.execution_options(yield_per=1000).execute(signatures.order_by(PetitionSignature.id))
            for name, phone, county, country, channel, signed_at in result:
                yield name, phone or "", county, country or "", channel, show_local(signed_at)

    return csv_response(f"petition-{petition}.csv", ["full_name", "phone", "county", "country", "channel", "signed"], rows())


@blueprint.get("/petitions/<petition>/counts.csv")
@requires("viewer")
def export_petition_counts(petition):
    """Signatures by channel and country: figures only, no person in them, so viewers may take them."""
    _known_petition(petition)
    language = current_app.services.flow_book.default_language
    with current_app.services.database.transaction() as session:
        breakdown = signatures_by_channel_and_country(session, petition, current_app.config["SIMULATOR_PREFIX"])
    rows = ((channel, country or "", country_name(country, language), count) for channel, country, count in breakdown)
    return small_csv_response(f"petition-{petition}-counts.csv", ["channel", "country", "country_name", "signatures"], rows)
