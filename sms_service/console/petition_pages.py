"""Petitions: signatures per petition, the newest signatures, and a CSV export of one petition."""

from flask import abort, current_app, g, render_template, request
from sqlalchemy import select

from sms_service import audit
from sms_service.broadcasts.schedule import show_local
from sms_service.console import statistics
from sms_service.console.blueprint import blueprint
from sms_service.console.csv_export import csv_response
from sms_service.console.dashboard import english_names
from sms_service.console.paging import page_of
from sms_service.console.roles import requires
from sms_service.models import PetitionSignature, Subscriber

PAGE_SIZE = 50


def _signatures(petition):
    return (select(PetitionSignature.full_name, Subscriber.phone, PetitionSignature.county,
                   PetitionSignature.channel, PetitionSignature.signed_at)
            .join(Subscriber, Subscriber.id == PetitionSignature.subscriber_id)
            .where(PetitionSignature.petition == petition))


@blueprint.get("/petitions")
@requires("viewer")
def petitions():
    titles = english_names(current_app.extensions["flow_book"].petitions)
    chosen = request.args.get("petition") or next(iter(titles), "")
    with current_app.extensions["database"].transaction() as session:
        counts = statistics.petition_counts(session, titles)
        page = page_of(session, _signatures(chosen).order_by(PetitionSignature.id.desc()), PAGE_SIZE, scalars=False)
    return render_template("console/petitions.html", titles=titles, counts=counts, chosen=chosen, page=page,
                           show_local=show_local)


@blueprint.get("/petitions/<petition>/export.csv")
@requires("editor")
def export_petition(petition):
    if petition not in current_app.extensions["flow_book"].petitions:
        abort(404, f"There is no petition {petition!r}.")
    database = current_app.extensions["database"]
    with database.transaction() as session:
        audit.record(session, g.staff.username, "petitions.export", f"petition {petition}")

    def rows():
        with database.engine.connect() as connection:
            result = connection.execution_options(yield_per=1000).execute(_signatures(petition).order_by(PetitionSignature.id))
            for name, phone, county, channel, signed_at in result:
                yield name, phone, county, channel, show_local(signed_at)

    return csv_response(f"petition-{petition}.csv", ["full_name", "phone", "county", "channel", "signed"], rows())
