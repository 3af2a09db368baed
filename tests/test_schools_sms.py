"""Schools registered by a teacher or school contact, end to end by SMS: the school, its county and
its contact, then the contact's confirmation of guardians' consent, after which the school's
students (SCHOOL, which asks no name) are linked to its record. And erasure of a contact."""

import pytest
from sqlalchemy import select

from sms_service.core.clock import ManualClock, parse_local_time
from sms_service.core.models import School, Subscriber
from sms_service.domain.events.registrations import erase_event_registrations
from sms_service.domain.schools.registry import erase_school_contacts
from tests.event_helpers import make_event, registrations
from tests.sms_phone import Texter


@pytest.fixture
def app(live_app):
    return live_app(clock=ManualClock(parse_local_time("2026-12-01 10:00")))


def texter(app, run_jobs, number):
    return Texter(app, app.test_client(), run_jobs, number=number)


def linked(app):
    """(phone, school id set) of every student who registered a school."""
    with app.services.database.transaction() as session:
        rows = session.execute(select(Subscriber.phone, Subscriber.school_id).where(Subscriber.school.is_not(None))
                               .order_by(Subscriber.phone)).all()
    return [(phone, school_id is not None) for phone, school_id in rows]


def schools(app):
    with app.services.database.transaction() as session:
        rows = session.execute(select(School.name, School.county, School.contact_name, School.contact_phone,
                                      School.consent_confirmed_at.is_not(None)).order_by(School.id)).all()
    return [tuple(row) for row in rows]


def test_a_teacher_registers_the_school_and_confirms_consent(app, run_jobs):
    early = texter(app, run_jobs, "0744000001")
    early.text("SCHOOL Moi Girls, Uasin Gishu")  # before the school is registered: kept, not linked
    teacher = texter(app, run_jobs, "0744000100")
    teacher.text("TEACHER Moi Girls, Uasin Gishu, Jane Chebet")
    assert teacher.last == ("Moi Girls, Uasin Gishu is recorded with you as its contact. Students under 18 need a "
                            "parent's or guardian's consent: when your school has it, text TEACHER YES.")
    assert linked(app) == [("+254744000001", False)]
    teacher.text("TEACHER YES")
    assert teacher.last == ("Thank you: Moi Girls, Uasin Gishu takes part. Students text SCHOOL Moi Girls, Uasin Gishu. "
                            "They give no names; results show schools and counties only.")
    assert linked(app) == [("+254744000001", True)]
    later = texter(app, run_jobs, "0744000002")
    later.text("SCHOOL moi girls, uasin gishu")
    assert linked(app) == [("+254744000001", True), ("+254744000002", True)]
    assert schools(app) == [("Moi Girls", "Uasin Gishu", "Jane Chebet", "+254744000100", True)]
    other = texter(app, run_jobs, "0744000101")
    other.text("TEACHER Moi Girls, Uasin Gishu, Peter Kip")
    assert other.last.startswith("Moi Girls, Uasin Gishu is registered already, with another contact.")
    assert schools(app) == [("Moi Girls", "Uasin Gishu", "Jane Chebet", "+254744000100", True)]


@pytest.mark.parametrize("text, reply", [
    ("TEACHER", "Teachers: text TEACHER, your school, its county and your name, with commas"),
    ("TEACHER Moi Girls, Nairobi", "Teachers: text TEACHER, your school, its county and your name"),
    ("TEACHER YES", "No school waits for your confirmation."),
])
def test_unclear_teacher_texts_get_a_clear_answer(app, run_jobs, text, reply):
    teacher = texter(app, run_jobs, "0744000102")
    teacher.text(text)
    assert teacher.last.startswith(reply)


# A part that is there but does not fit is named before the example, in the words USSD uses for
# it (flows/ussd/messages.yaml), on every route that reads a school, county, name or address.
@pytest.mark.parametrize("language, text, reason, example", [
    ("LANG EN", "SCHOOL Moi Girls, Atlantis", "Unknown county. Type its name or number 1-47.", "Text SCHOOL"),
    ("LANG EN", "SCHOOL Moi Girls, Nairobbi", "Unknown county.", "Text SCHOOL"),
    ("LANG EN", "SCHOOL Moi Girls, 48", "Unknown county.", "Text SCHOOL"),
    ("LANG EN", "SCHOOL 12, Nairobi", "Please type your school's name.", "Text SCHOOL"),
    ("LANG EN", "TEACHER Moi Girls, Atlantis, Jane", "Unknown county.", "Teachers: text TEACHER"),
    ("LANG EN", "TEACHER Moi Girls, Nairobi, 0712345678", "Please type your name in letters.", "Teachers: text TEACHER"),
    ("LANG EN", "BOOKLET RAPE 100 Moi Girls, Atlantis, P.O. Box 1 Kisumu", "Unknown county.", "Teachers: text BOOKLET"),
    ("LANG EN", "BOOKLET RAPE 100 Moi Girls, Kisumu, 45", "Please type the delivery address", "Teachers: text BOOKLET"),
    ("LUGHA SW", "SHULE Moi, Mombasaa", "Kaunti haijulikani. Andika jina au nambari 1-47.", "Tuma SHULE"),
    ("LUGHA SW", "MWALIMU Moi, Atlantis, Halima", "Kaunti haijulikani.", "Walimu: tuma MWALIMU"),
])
def test_a_part_that_does_not_fit_is_named(app, run_jobs, language, text, reason, example):
    person = texter(app, run_jobs, "0744000104").text(language)
    person.text(text)
    assert person.last.startswith(reason) and example in person.last


def test_a_missing_part_gets_the_example_alone(app, run_jobs):
    person = texter(app, run_jobs, "0744000105")
    person.text("SCHOOL Moi Girls")
    assert person.last.startswith("Text SCHOOL, your school's name, a comma and your county")


def test_in_kiswahili(app, run_jobs):
    teacher = texter(app, run_jobs, "0744000103")
    teacher.text("LUGHA SW").text("MWALIMU Shule ya Kisumu, Kisumu, Halima Atieno").text("MWALIMU NDIYO")
    assert teacher.last.startswith("Asante: Shule ya Kisumu, Kisumu inashiriki. Wanafunzi watume SHULE Shule ya Kisumu")


def test_erasure_of_a_contact_and_of_registrations(app, run_jobs):
    teacher = texter(app, run_jobs, "0744000104")
    teacher.text("TEACHER Moi Girls, Uasin Gishu, Jane Chebet")
    event_id = make_event(app)
    teacher.text("EVENT F12 Jane Chebet")
    with app.services.database.write_transaction() as session:
        assert erase_school_contacts(session, "+254744000104") == 1
        assert erase_event_registrations(session, "+254744000104", app.services.clock.now()) == 1
    assert schools(app) == [("Moi Girls", "Uasin Gishu", None, None, False)]
    assert registrations(app, event_id) == []
