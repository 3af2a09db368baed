"""Subscribers: search, CSV import (checked, all or nothing, with the consent basis) and export."""

from itertools import groupby

from flask import current_app, g, render_template, request
from sqlalchemy import exists, false, func, select
from sqlalchemy.orm import aliased

from sms_service.core.clock import show_local
from sms_service.core.counties import COUNTIES
from sms_service.core.models import Subscriber, Subscription
from sms_service.core.phone_numbers import InvalidPhoneNumber, normalise_msisdn, not_a_test_number
from sms_service.domain import audit
from sms_service.domain.campaigns.subscriber_import import ImportRefused, import_subscribers, read_subscriber_csv
from sms_service.web.console.blueprint import blueprint
from sms_service.web.console.contacts import NO_NUMBER_SEARCH, may_search_numbers
from sms_service.web.console.csv_export import csv_response
from sms_service.web.console.guard import accepts_upload
from sms_service.web.console.names import names_for_staff
from sms_service.web.console.paging import page_of
from sms_service.web.console.roles import requires

PAGE_SIZE = 50


def _filters():
    args = request.args
    return {key: args.get(key, "").strip() for key in ("q", "topic", "language", "county")}


def _filtered(query, filters):
    """Narrow a subscribers query: part of a number (any format), topic, language, county."""
    if filters["q"]:
        try:
            query = query.where(Subscriber.phone == normalise_msisdn(filters["q"]))
        except InvalidPhoneNumber:
            digits = "".join(filter(str.isdigit, filters["q"])).lstrip("0")
            query = query.where(Subscriber.phone.contains(digits)) if digits else query.where(false())
    if filters["topic"]:
        wanted = aliased(Subscription)  # the export joins Subscription itself, for every topic
        query = query.where(exists().where(wanted.subscriber_id == Subscriber.id,
                                           wanted.topic == filters["topic"], wanted.withdrawn_at.is_(None)))
    if filters["language"]:
        query = query.where(Subscriber.language == filters["language"])
    if filters["county"]:
        query = query.where(Subscriber.county == filters["county"])
    return query


def _topics_of(session, subscriber_ids):
    rows = session.execute(
        select(Subscription.subscriber_id, Subscription.topic)
        .where(Subscription.subscriber_id.in_(subscriber_ids), Subscription.withdrawn_at.is_(None))
        .order_by(Subscription.subscriber_id, Subscription.topic)
    ).all()
    return {subscriber_id: [topic for _, topic in group] for subscriber_id, group in groupby(rows, lambda row: row[0])}


@blueprint.get("/subscribers")
@requires("viewer")
def subscribers():
    filters, problem = _filters(), None
    if filters["q"] and not may_search_numbers(g.staff.role):
        filters["q"], problem = "", NO_NUMBER_SEARCH
    with current_app.services.database.transaction() as session:
        found = session.scalar(_filtered(select(func.count()).select_from(Subscriber), filters))
        page = page_of(session, _filtered(select(Subscriber), filters).order_by(Subscriber.id.desc()), PAGE_SIZE)
        topics = _topics_of(session, [row.id for row in page.rows])
    book = current_app.services.flow_book
    return render_template("console/subscribers.html", page=page, topics_of=topics, found=found,
                           filters=filters, problem=problem, show_local=show_local,
                           topics=names_for_staff(book.topics), languages=book.languages,
                           language_names=book.language_names, counties=COUNTIES)


@blueprint.get("/subscribers/export.csv")
@requires("editor")
def export_subscribers():
    filters = {key: value for key, value in _filters().items() if value}
    database = current_app.services.database
    real = not_a_test_number(Subscriber.phone, current_app.config["SIMULATOR_PREFIX"])  # no simulator numbers
    with database.write_transaction() as session:  # counts, then writes the audit entry
        count = session.scalar(_filtered(select(func.count()).select_from(Subscriber), _filters()).where(real))
        audit.record(session, g.staff.username, "subscribers.export", f"{count} subscribers", filters=filters)
    query = _filtered(select(Subscriber.id, Subscriber.phone, Subscriber.language, Subscriber.county,
                             Subscriber.created_at, Subscriber.suppressed_at, Subscription.topic), _filters()).where(real) \
        .outerjoin(Subscription, (Subscription.subscriber_id == Subscriber.id) & Subscription.withdrawn_at.is_(None)) \
        .order_by(Subscriber.id, Subscription.topic)

    def rows():
        with database.engine.connect() as connection:
            result = connection.execution_options(yield_per=1000).execute(query)
            for _, group in groupby(result, lambda row: row.id):
                group = list(group)
                first = group[0]
                yield (first.phone, first.language, first.county, " ".join(row.topic for row in group if row.topic),
                       show_local(first.created_at), show_local(first.suppressed_at) if first.suppressed_at else "")

    return csv_response("subscribers.csv", ["phone", "language", "county", "topics", "since", "opted_out"], rows())


def _import_page(status=200, **extra):
    book = current_app.services.flow_book
    return render_template("console/import.html", topics=names_for_staff(book.topics), **extra), status


@blueprint.get("/subscribers/import")
@requires("editor")
def import_form():
    return _import_page()


@blueprint.post("/subscribers/import")
@requires("editor")
@accepts_upload
def import_upload():
    book = current_app.services.flow_book
    upload = request.files.get("file")
    form = request.form
    kept = dict(consent_basis=form.get("consent_basis", ""), chosen=form.getlist("topics"))
    if not upload or not upload.filename:
        return _import_page(400, problems=["choose a CSV file"], **kept)
    if form.get("consent_confirmed") != "on":
        return _import_page(400, problems=["confirm that every person on the list agreed to these messages"], **kept)
    try:
        rows = read_subscriber_csv(upload.read(), book, form.getlist("topics"))
        with current_app.services.database.write_transaction() as session:
            record, added = import_subscribers(
                session, rows, imported_by=g.staff.username, filename=upload.filename,
                consent_basis=form.get("consent_basis", ""), default_language=book.default_language,
                phone_keys=current_app.services.phone_keys, now=current_app.services.clock.now())
            audit.record(session, g.staff.username, "subscribers.import", f"{upload.filename}: {len(rows)} rows",
                         import_id=record.id, subscriptions_added=added, consent_basis=record.consent_basis)
    except ImportRefused as refused:
        return _import_page(400, problems=[str(problem) for problem in refused.problems], refused=True, **kept)
    return _import_page(imported=dict(rows=len(rows), added=added, import_id=record.id))


@blueprint.get("/subscribers/import/template.csv")
@requires("viewer")
def import_template():
    return csv_response("subscribers-template.csv", ["phone", "language", "county", "topics", "consent"],
                        [("0712345678", "sw", "Nairobi", "torture arms_control", "yes")])
