"""The inbound SMS log: what people texted, and what it was read as."""

from flask import current_app, render_template, request
from sqlalchemy import false, select

from sms_service.broadcasts.schedule import show_local
from sms_service.console.blueprint import blueprint
from sms_service.console.paging import page_of
from sms_service.console.roles import requires
from sms_service.models import InboundMessage
from sms_service.phone_numbers import InvalidPhoneNumber, normalise_msisdn

PAGE_SIZE = 50


@blueprint.get("/inbound")
@requires("viewer")
def inbound_messages():
    number = request.args.get("q", "").strip()
    query = select(InboundMessage).order_by(InboundMessage.id.desc())
    problem = None
    if number:
        try:
            query = query.where(InboundMessage.phone == normalise_msisdn(number))
        except InvalidPhoneNumber as error:
            problem = f"{number!r}: {error}"
            query = query.where(false())
    with current_app.extensions["database"].transaction() as session:
        page = page_of(session, query, PAGE_SIZE)
    return render_template("console/inbound.html", page=page, number=number, problem=problem, show_local=show_local)
