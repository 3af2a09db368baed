"""The inbound SMS log: what people texted, and what it was read as. Messages from sender ids and
shortcodes ("MPESA", "22384") are listed too, found by that name, and never answered. Texts of
numbers whose thread was urgent are shown to responders and admins only (conversation_pages.py)."""

from flask import current_app, g, render_template, request
from sqlalchemy import false, select

from sms_service.channels.africastalking.sms import ALPHANUMERIC_SENDER, SHORTCODE_SENDER
from sms_service.core.clock import show_local
from sms_service.core.models import InboundMessage
from sms_service.core.phone_numbers import InvalidPhoneNumber, normalise_msisdn
from sms_service.domain.conversations.threads import restricted_numbers
from sms_service.domain.staff.roles import reads_urgent_threads
from sms_service.web.console.blueprint import blueprint
from sms_service.web.console.contacts import NO_NUMBER_SEARCH, may_search_numbers
from sms_service.web.console.paging import page_of
from sms_service.web.console.roles import requires

PAGE_SIZE = 50


@blueprint.get("/inbound")
@requires("viewer")
def inbound_messages():
    number = request.args.get("q", "").strip()
    query = select(InboundMessage).order_by(InboundMessage.id.desc())
    problem = None
    if number and (ALPHANUMERIC_SENDER.match(number) or SHORTCODE_SENDER.match(number)):
        query = query.where(InboundMessage.phone == number)  # a sender id or shortcode, stored as written
    elif number and not may_search_numbers(g.staff.role):
        problem = NO_NUMBER_SEARCH
        query = query.where(false())
    elif number:
        try:
            query = query.where(InboundMessage.phone == normalise_msisdn(number))
        except InvalidPhoneNumber as error:
            problem = f"{number!r}: {error}"
            query = query.where(false())
    with current_app.services.database.transaction() as session:
        page = page_of(session, query, PAGE_SIZE)
        hidden = set() if reads_urgent_threads(g.staff.role) else restricted_numbers(
            session, {row.phone for row in page.rows})
    return render_template("console/inbound.html", page=page, number=number, problem=problem, show_local=show_local,
                           hidden=hidden)
