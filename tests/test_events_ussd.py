"""Events and teachers' school registration on USSD, under home option 8 ("Quiz/schools"), whose earlier options keep their numbers:
the list (the caller's county first), the code, a name for the door, a place or the waiting
list, in both languages; the same registration SMS reads."""

import pytest
from sqlalchemy import select

from sms_service.core.clock import ManualClock, parse_local_time
from sms_service.core.models import School, Subscriber
from tests.event_helpers import make_event, registrations
from tests.ussd_phone import UssdPhone

SCHOOLS, EVENTS = "8", "5"  # home option 8; its options 1-3 quizzes, 4 school, 5 events


@pytest.fixture
def app(make_app):
    return make_app(clock=ManualClock(parse_local_time("2026-12-01 10:00")))


def test_registering_for_an_event_on_ussd(app):
    event_id = make_event(app, capacity=1)
    phone = UssdPhone(app.test_client(), "+254722500001")
    phone.dial().answer(SCHOOLS).assert_see("Quizzes & schools", "4. Register your school", "5. Events")
    phone.answer(EVENTS).assert_see("Coming up: F12 Forum on consent, Nairobi 3/12 10:00", "1. Register")
    phone.answer("1").assert_see("Type the event's code")
    phone.answer("F123456789").assert_see("Type the event's code, e.g. F12.")  # refused, asked again
    phone.answer("f-12").assert_see("Type your name. It is for the check-in at the door only")  # read as F12
    phone.answer("Akinyi Odhiambo").assert_ended().assert_see(
        "Registered: Forum on consent, 3/12 10:00, Moi Girls Hall. Cancel: SMS EVENT LEAVE F12")
    other = UssdPhone(app.test_client(), "+254722500002")
    other.dial("8*5*1").answer_all("F12", "Baraka Mwangi")
    other.assert_ended().assert_see("Forum on consent is full. You are number 1 on the waiting list")
    assert registrations(app, event_id) == [("+254722500001", "registered", "Akinyi Odhiambo"),
                                            ("+254722500002", "waiting", "Baraka Mwangi")]


def test_cancelling_a_registration_on_ussd_gives_the_place_to_the_first_waiting(app):
    event_id = make_event(app, capacity=1)
    UssdPhone(app.test_client(), "+254722500004").dial("8*5*1").answer_all("F12", "Akinyi Odhiambo")
    UssdPhone(app.test_client(), "+254722500005").dial("8*5*1").answer_all("F12", "Baraka Mwangi")
    stranger = UssdPhone(app.test_client(), "+254722500006")
    stranger.dial().answer_all(SCHOOLS, EVENTS).assert_see("1. Register", "2. Cancel my registration")
    stranger.answer("2").assert_see("Cancel a registration: type the event's code")
    stranger.answer("F12").assert_ended().assert_see("This number is not registered for Forum on consent.")
    stranger.dial("8*5*2").answer("Q99").assert_ended().assert_see("There is no event Q99.")
    first = UssdPhone(app.test_client(), "+254722500004")
    first.dial("8*5*2").answer("f12").assert_ended().assert_see(
        "Your registration for Forum on consent is cancelled. Thank you for telling us.")
    assert registrations(app, event_id) == [("+254722500004", "cancelled", "Akinyi Odhiambo"),
                                            ("+254722500005", "registered", "Baraka Mwangi")]


def test_in_kiswahili_and_with_no_events(app):
    phone = UssdPhone(app.test_client(), "+254722500003")
    phone.dial("6").answer("2")  # Lugha: Kiswahili
    phone.dial().answer(SCHOOLS).assert_see("Chemsha bongo na shule", "5. Matukio")
    phone.answer(EVENTS).assert_see("Hakuna tukio lililo wazi kwa usajili sasa.", "1. Ghairi usajili wangu")
    make_event(app)
    phone.dial().assert_see("2. Anza upya")  # left on the list's screen: it may resume
    phone.answer_all("2", SCHOOLS, EVENTS).assert_see("Matukio yajayo: F12 Jukwaa la ridhaa, Nairobi 3/12 10:00")
    phone.answer_all("1", "ZZ9", "Halima").assert_see("Hakuna tukio ZZ9.")


def test_a_teacher_registers_a_school_on_ussd(app):
    teacher = UssdPhone(app.test_client(), "+254722500010")
    teacher.dial().answer(SCHOOLS).assert_see("6. Teachers: register a school")
    teacher.answer_all("6", "Moi Girls", "Uasin Gishu", "Jane Chebet").assert_see(
        "Students under 18 need a parent's or guardian's consent.", "1. Yes, I confirm it", "2. Not yet")
    teacher.answer("2").assert_ended().assert_see("Moi Girls, Uasin Gishu is recorded with you as its contact.")
    teacher.dial("8*6").answer_all("moi girls", "Uasin Gishu", "Jane Chebet", "1").assert_ended().assert_see(
        "Thank you: Moi Girls, Uasin Gishu takes part. Students register with SCHOOL, giving no names.")
    student = UssdPhone(app.test_client(), "+254722500011")
    student.dial().answer_all(SCHOOLS, "4", "Moi Girls", "Uasin Gishu").assert_see("Registered: Moi Girls, Uasin Gishu")
    with app.services.database.transaction() as session:
        school_id = session.scalar(select(School.id))
        assert session.scalar(select(Subscriber.school_id).where(Subscriber.phone == "+254722500011")) == school_id
    other = UssdPhone(app.test_client(), "+254722500012")
    other.dial("8*6").answer_all("Moi Girls", "Uasin Gishu", "Peter Kip", "1").assert_see(
        "Moi Girls, Uasin Gishu is registered already, with another contact.")
