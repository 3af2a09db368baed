"""Erasure on request (admins only): find what is kept about a number, then erase it. Both the
look-up and the erasure are audited, under the number's pseudonym; the number is never shown back
beyond what the admin typed."""

from flask import current_app, flash, g, redirect, render_template, request, url_for

from sms_service.core.phone_numbers import InvalidPhoneNumber, normalise_msisdn
from sms_service.domain import audit
from sms_service.domain.people.erasure import erase_person
from sms_service.domain.people.records import stored_about
from sms_service.web.console.blueprint import blueprint
from sms_service.web.console.roles import requires


def _people_page(status=200, **extra):
    return render_template("console/people.html", **extra), status


def _number_from_form():
    """The form's number as E.164, or raises InvalidPhoneNumber with the reason."""
    number = (request.form.get("number") or "").strip()
    if not number:
        raise InvalidPhoneNumber("type the person's phone number")
    return normalise_msisdn(number)


@blueprint.get("/people")
@requires("admin")
def people():
    return _people_page()


@blueprint.post("/people/find")
@requires("admin")
def find_person():
    try:
        phone = _number_from_form()
    except InvalidPhoneNumber as error:
        return _people_page(400, problem=str(error))
    services = current_app.services
    pseudonym = services.phone_keys.pseudonym(phone)
    with services.database.write_transaction() as session:
        found = stored_about(session, phone)
        audit.record(session, g.staff.username, "people.lookup", pseudonym)
    return _people_page(found=found, pseudonym=pseudonym, number=request.form["number"].strip())


@blueprint.post("/people/erase")
@requires("admin")
def erase_person_page():
    try:
        phone = _number_from_form()
    except InvalidPhoneNumber as error:
        return _people_page(400, problem=str(error))
    if request.form.get("confirm") != "yes":
        return _people_page(400, problem="tick the box to confirm that the person asked for erasure")
    services = current_app.services
    report = erase_person(services.database, services.redis, services.phone_keys, phone, services.clock.now(),
                          g.staff.username, "console")
    pseudonym = services.phone_keys.pseudonym(phone)
    if not report.found_anything:
        flash(f"Nothing was kept about {pseudonym}.")
    else:
        kept = " Their opt-out stays in force (as a keyed hash)." if report.kept_opt_out else ""
        flash(f"Erased {pseudonym}: {sum(report.rows.values())} records, {report.redis_keys} session keys.{kept}")
    return redirect(url_for("console.people"))
