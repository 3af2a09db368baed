"""The inbound SMS log: what people texted, and what it was read as."""

from flask import current_app, render_template, request
from sqlalchemy import select

from sms_service.broadcasts.schedule import show_local
from sms_service.console.blueprint import blueprint
from sms_service.console.roles import requires
from sms_service.models import InboundMessage
from sms_service.phone_numbers import InvalidPhoneNumber, normalise_msisdn

PAGE_SIZE = 50


@blueprint.get("/inbound")
@requires("viewer")
def inbound_messages():
    number, page = request.args.get("q", "").strip(), max(1, request.args.get("page", 1, type=int))
    query = select(InboundMessage).order_by(InboundMessage.id.desc())
    problem = None
    if number:
        try:
            query = query.where(InboundMessage.phone == normalise_msisdn(number))
        except InvalidPhoneNumber as error:
            problem = f"{number!r}: {error}"
    with current_app.extensions["database"].transaction() as session:
        rows = [] if problem else session.scalars(query.offset((page - 1) * PAGE_SIZE).limit(PAGE_SIZE + 1)).all()
    return render_template("console/inbound.html", rows=rows[:PAGE_SIZE], page=page, has_next=len(rows) > PAGE_SIZE,
                           number=number, problem=problem, show_local=show_local)
