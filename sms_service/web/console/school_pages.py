"""Schools: those registered by a teacher or school contact (TEACHER by SMS) or by staff here,
whether guardians' consent is confirmed, and how many students are linked. Contacts' numbers
are masked; students are counted, never named (they give no name)."""

from flask import current_app, flash, g, redirect, render_template, request, url_for
from sqlalchemy import func, select

from sms_service.core.clock import show_local
from sms_service.core.counties import COUNTIES
from sms_service.core.models import School, Subscriber
from sms_service.core.phone_numbers import InvalidPhoneNumber, normalise_msisdn
from sms_service.domain import audit
from sms_service.domain.schools import registry
from sms_service.engine.flows.validators import VALIDATORS, Refused
from sms_service.web.console.blueprint import blueprint
from sms_service.web.console.roles import requires


def _page(status=200, values=None):
    with current_app.services.database.transaction() as session:
        students = dict(session.execute(select(Subscriber.school_id, func.count()).where(Subscriber.school_id.is_not(None))
                                        .group_by(Subscriber.school_id)).all())
        rows = session.scalars(select(School).order_by(School.county, School.name, School.id)).all()
    return render_template("console/schools.html", schools=rows, students=students, counties=COUNTIES,
                           values=values or {}, show_local=show_local), status


@blueprint.get("/schools")
@requires("viewer")
def schools():
    return _page()


@blueprint.post("/schools")
@requires("editor")
def register_school():
    """Staff register a school for its contact, who told them guardians consented (the box)."""
    form = request.form
    try:
        name, county = VALIDATORS["school"].parse(form.get("name", "")), VALIDATORS["county"].parse(form.get("county", ""))
        contact = VALIDATORS["name"].parse(form.get("contact_name", ""))
    except Refused as refused:
        flash(f"Not saved: {current_app.services.flow_book.message(refused.message_key, 'en')}")
        return _page(400, form)
    try:
        phone = normalise_msisdn(form.get("contact_phone", ""))
    except InvalidPhoneNumber:
        flash("Not saved: the contact's phone number cannot be read.")
        return _page(400, form)
    if form.get("consent") != "yes":
        flash("Not saved: tick the box only when the school's contact confirmed that guardians consented.")
        return _page(400, form)
    with current_app.services.database.write_transaction() as session:
        outcome, school = registry.register_contact(session, name, county, contact, phone, "console",
                                                    current_app.services.clock.now(), consent=True)
        if outcome != registry.OTHER_CONTACT:
            audit.record(session, g.staff.username, "schools.register", f"{school.name}, {school.county}")
    if outcome == registry.OTHER_CONTACT:
        flash(f"Not saved: {name}, {county} is registered already, with another contact.")
        return _page(400, form)
    flash(f"{name}, {county} takes part; its students are linked when they text SCHOOL.")
    return redirect(url_for("console.schools"))
