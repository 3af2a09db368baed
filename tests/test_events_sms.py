"""Events by SMS, end to end: AT's inbound callback, a real RQ worker, replies sent through the
official SDK to the local gateway; places, the waiting list and its promotion in order."""

import pytest

from sms_service.core.clock import ManualClock, parse_local_time
from sms_service.domain.events.catalogue import EventDetails, EventError, create_event
from tests.event_helpers import make_event, registrations
from tests.sms_phone import Texter

REGISTERED = "You are registered for Forum on consent, 3/12 10:00 at Moi Girls Hall. To cancel text EVENT LEAVE F12."


@pytest.fixture
def app(live_app):
    return live_app(clock=ManualClock(parse_local_time("2026-12-01 10:00")))


def texter(app, run_jobs, number):
    return Texter(app, app.test_client(), run_jobs, number=number)


def test_the_list_shows_the_persons_county_first(app, run_jobs):
    make_event(app, code="N1", county="Nairobi", starts="2026-12-02 09:00", ends="2026-12-02 12:00")
    make_event(app, code="K7", county="Kisumu", starts="2026-12-05 09:00", ends="2026-12-05 12:00",
               title_en="Debate on the ATT", title_sw="Mdahalo wa ATT", kind="debate")
    student = texter(app, run_jobs, "0711000001")
    student.text("EVENT")
    assert student.last == ("Events: N1 Forum on consent, Nairobi 2/12 09:00; K7 Debate on the ATT, Kisumu 5/12 09:00. "
                            "To register text EVENT, the code and your name, e.g. EVENT N1 Achieng.")
    student.text("SCHOOL Kisumu Girls, Kisumu").text("events")
    assert student.last.startswith("Events: K7 Debate on the ATT, Kisumu 5/12 09:00; N1 Forum")


def test_a_school_event_is_for_students_of_consented_schools_and_their_teachers(app, run_jobs):
    """Data Protection Act 2019 s.33: a school event takes names (for the door) only from
    students of a school whose contact confirmed guardians' consent, and from teachers."""
    event_id = make_event(app, audience="school")
    refused = ("Forum on consent is for schools taking part: students of a school a teacher registered (TEACHER), "
               "and teachers. Text EVENT for other events.")
    student = texter(app, run_jobs, "0711000011").text("SCHOOL Kisumu Girls, Kisumu").text("EVENT F12 Akinyi")
    assert student.last == refused
    stranger = texter(app, run_jobs, "0711000012").text("EVENT F12 Otieno")
    assert stranger.last == refused
    teacher = texter(app, run_jobs, "0711000013").text("TEACHER Kisumu Girls, Kisumu, Halima Atieno")
    student.text("EVENT F12 Akinyi")  # the school is recorded, guardians' consent not confirmed yet
    assert student.last == refused and registrations(app, event_id) == []
    teacher.text("TEACHER YES").text("EVENT F12 Halima Atieno")
    assert teacher.last == REGISTERED
    student.text("EVENT F12 Akinyi")
    assert student.last == REGISTERED
    assert registrations(app, event_id) == [("+254711000013", "registered", "Halima Atieno"),
                                            ("+254711000011", "registered", "Akinyi")]


def test_no_events(app, run_jobs):
    student = texter(app, run_jobs, "0711000002")
    student.text("TUKIO")
    assert student.last == "There are no events open for registration now. Text EVENT again another day."


def test_registering_is_idempotent_and_keeps_the_name_for_the_door(app, run_jobs):
    event_id = make_event(app)
    student = texter(app, run_jobs, "0711000003")
    student.text("event f12 Grace Achieng")
    assert student.last == REGISTERED
    student.text("EVENT F12")  # again, without the name: one place, the name kept
    assert student.last == REGISTERED
    assert registrations(app, event_id) == [("+254711000003", "registered", "Grace Achieng")]


@pytest.mark.parametrize("register, leave", [
    ("EVENT F12! Grace", "EVENT LEAVE f-12"),
    ("EVENT F12\u200b Grace", "event leave (F12)."),  # a zero-width space after the code
    ("EVENT f.12 Grace", "EVENT LEAVE F12\ufeff"),
])
def test_an_event_code_is_read_as_keywords_are(app, run_jobs, register, leave):
    """Case, punctuation and zero-width characters around or inside a code change nothing, on
    either channel (the USSD screen reads it the same way: test_events_ussd.py)."""
    event_id = make_event(app)
    student = texter(app, run_jobs, "0711000008")
    student.text(register)
    assert student.last == REGISTERED
    student.text(leave)
    assert student.last == "Your registration for Forum on consent is cancelled. Thank you for telling us."
    assert registrations(app, event_id) == [("+254711000008", "cancelled", "Grace")]


def test_kiswahili(app, run_jobs):
    make_event(app)
    student = texter(app, run_jobs, "0711000004")
    student.text("LUGHA SW").text("TUKIO F12 Wanjiku")
    assert student.last == ("Umesajiliwa kwa Jukwaa la ridhaa, 3/12 10:00 mahali Moi Girls Hall. "
                            "Kughairi tuma TUKIO TOKA F12.")
    student.text("TUKIO TOKA F12")
    assert student.last == "Usajili wako kwa Jukwaa la ridhaa umeghairiwa. Asante kwa kutujulisha."


def test_capacity_and_a_waiting_list_promoted_in_order(app, run_jobs):
    event_id = make_event(app, capacity=1)
    first, second, third = (texter(app, run_jobs, f"071100010{n}") for n in (1, 2, 3))
    first.text("EVENT F12 Amina")
    second.text("EVENT F12 Baraka")
    assert second.last == ("Forum on consent is full. You are number 1 on the waiting list; we will text you if a "
                           "place frees. To leave the list text EVENT LEAVE F12.")
    third.text("EVENT F12 Chebet")
    assert third.last.startswith("Forum on consent is full. You are number 2 on the waiting list")
    third.text("EVENT F12")
    assert third.last.startswith("Forum on consent is full. You are number 2 on the waiting list")
    first.text("EVENT LEAVE F12")
    assert first.last == "Your registration for Forum on consent is cancelled. Thank you for telling us."
    assert registrations(app, event_id) == [("+254711000101", "cancelled", "Amina"),
                                            ("+254711000102", "registered", "Baraka"),
                                            ("+254711000103", "waiting", "Chebet")]
    app.services.queue.enqueue("workers.event_jobs.sweep")
    run_jobs(app)
    run_jobs(app)  # the sends the sweep queued
    assert second.last == ("A place freed: you are now registered for Forum on consent, 3/12 10:00 at Moi Girls Hall. "
                           "To cancel text EVENT LEAVE F12.")
    app.services.queue.enqueue("workers.event_jobs.sweep")
    run_jobs(app)
    assert len(second.inbox) == 2  # told once
    first.text("EVENT F12 Amina")  # back: at the end of the list
    assert first.last.startswith("Forum on consent is full. You are number 2 on the waiting list")


@pytest.mark.parametrize("text, reply", [
    ("EVENT LEAVE", "To cancel a registration text EVENT LEAVE and the event's code, e.g. EVENT LEAVE E12."),
    ("EVENT XYZ9 Grace", "There is no event XYZ9. Text EVENT for the list."),
    ("EVENT LEAVE F12", "This number is not registered for Forum on consent."),
    ("EVENT CANCEL F12", "There is no event CANCEL. Text EVENT for the list."),
])
def test_unclear_requests_get_a_clear_answer(app, run_jobs, text, reply):
    make_event(app)
    student = texter(app, run_jobs, "0711000005")
    student.text(text)
    assert student.last == reply


def test_cancel_alone_is_a_stop_word_not_an_event_cancellation(app, run_jobs):
    event_id = make_event(app)
    student = texter(app, run_jobs, "0711000006")
    student.text("EVENT F12").text("CANCEL")
    assert student.last.startswith("You will get no more messages from Haki Yetu.")
    assert registrations(app, event_id) == [("+254711000006", "registered", None)]


def test_a_started_or_cancelled_event_is_closed(app, run_jobs):
    make_event(app, code="P1", starts="2026-12-01 09:00", ends="2026-12-01 12:00")
    student = texter(app, run_jobs, "0711000007")
    student.text("EVENT P1")
    assert student.last == "Forum on consent is not open for registration any more. Text EVENT for other events."


@pytest.mark.parametrize("code, reason", [
    ("STOP", "keyword"), ("join", "keyword"), ("TORTURE", "keyword, topic"), ("ATT", "keyword"), ("SW", "keyword"),
    ("SILAHA", "keyword"), ("EN", "keyword"), ("TUKIO", "keyword"), ("CONSENT", "keyword"),
    ("F-12", "letters or digits"), ("X", "letters or digits"), ("ABCDEFGHI", "letters or digits"),
])
def test_event_codes_are_never_a_word_people_text(app, code, reason):
    details = EventDetails(code=code, kind="forum", titles={"en": "A", "sw": "B"}, campaign=None, venue="Hall",
                           county="Nairobi", starts_at=parse_local_time("2026-12-03 10:00"),
                           ends_at=parse_local_time("2026-12-03 12:00"), capacity=5, audience="public")
    with app.services.database.transaction() as session, pytest.raises(EventError) as refused:
        create_event(session, app.services.flow_book, details, "eddie", app.services.clock.now())
    assert reason.split(",")[0] in str(refused.value)
