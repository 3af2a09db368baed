"""Event reminders and notices, sent by the workers' sweep as transactional messages through the
local gateway: the evening before at 18:00 Nairobi, two hours before when that falls between
07:00 and 21:00, a change or a cancellation to everyone registered, each once, STOP respected.
The app's clock stands still unless a test moves it, so the hours are the test's own."""

import pytest

from sms_service.core.clock import ManualClock, parse_local_time
from sms_service.domain.events import reminders
from sms_service.domain.events.catalogue import EventDetails, cancel_event, update_event
from sms_service.domain.events.reminders import evening_before, soon_before
from tests.event_helpers import make_event, sent
from tests.sms_phone import Texter
from workers.runner import queue_event_sweep


@pytest.fixture
def app(live_app):
    return live_app(clock=ManualClock(parse_local_time("2026-12-01 10:00")))


def at(app, local_time):
    app.services.clock.set(parse_local_time(local_time))


def sweep(app, run_jobs, times=1):
    for _ in range(times):
        app.services.queue.enqueue("workers.event_jobs.sweep")
        run_jobs(app)
    run_jobs(app)  # the sends it queued


@pytest.mark.parametrize("starts, evening, soon", [
    ("2026-12-03 10:00", "2026-12-02 18:00", "2026-12-03 08:00"),
    ("2026-12-03 08:00", "2026-12-02 18:00", None),  # 06:00 is too early for a text
    ("2026-12-03 23:30", "2026-12-02 18:00", None),  # 21:30 is too late
    ("2026-12-03 00:30", "2026-12-02 18:00", None),  # half past midnight: the evening before its date
    ("2026-12-03 09:00", "2026-12-02 18:00", "2026-12-03 07:00"),
])
def test_when_reminders_fall(starts, evening, soon):
    assert evening_before(parse_local_time(starts)) == parse_local_time(evening)
    assert soon_before(parse_local_time(starts)) == (parse_local_time(soon) if soon else None)


def test_evening_and_two_hour_reminders_once_each_in_each_language(app, run_jobs):
    make_event(app)
    english, swahili = Texter(app, app.test_client(), run_jobs, "0722000001"), Texter(app, app.test_client(), run_jobs,
                                                                                        "0722000002")
    english.text("EVENT F12 Otieno")
    swahili.text("LUGHA SW").text("TUKIO F12 Njeri")
    at(app, "2026-12-02 17:59")
    sweep(app, run_jobs)
    assert sent(app, "event_reminder") == []
    at(app, "2026-12-02 18:00")
    sweep(app, run_jobs, times=2)
    assert english.last == ("Reminder: Forum on consent is tomorrow, 3/12 10:00, at Moi Girls Hall. "
                            "Cannot come? Text EVENT LEAVE F12.")
    assert swahili.last == ("Kumbusho: Jukwaa la ridhaa ni kesho, 3/12 10:00, mahali Moi Girls Hall. "
                            "Hutaweza kuja? Tuma TUKIO TOKA F12.")
    at(app, "2026-12-03 08:00")
    sweep(app, run_jobs, times=2)
    assert english.last == ("Reminder: Forum on consent starts today at 10:00, at Moi Girls Hall. "
                            "Cannot come? Text EVENT LEAVE F12.")
    assert len(sent(app, "event_reminder")) == 4
    at(app, "2026-12-03 10:30")
    sweep(app, run_jobs)
    assert len(sent(app, "event_reminder")) == 4


def test_a_number_that_stopped_gets_no_reminder(app, run_jobs):
    make_event(app)
    student = Texter(app, app.test_client(), run_jobs, "0722000003")
    student.text("EVENT F12").text("STOP")
    at(app, "2026-12-02 18:00")
    sweep(app, run_jobs)
    assert student.last.startswith("You will get no more messages")


def test_registering_after_the_evening_reminder_gets_only_the_two_hour_one(app, run_jobs):
    make_event(app)
    at(app, "2026-12-02 19:00")
    late = Texter(app, app.test_client(), run_jobs, "0722000004")
    late.text("EVENT F12")
    sweep(app, run_jobs)
    assert sent(app, "event_reminder") == []
    at(app, "2026-12-03 08:05")
    sweep(app, run_jobs)
    assert [text[:40] for _, text in sent(app, "event_reminder")] == ["Reminder: Forum on consent starts today "]


def test_one_sweep_reminds_everyone_however_many_pages_of_registrations(app, run_jobs, monkeypatch):
    """Registrations are read a page (BATCH) at a time: people already reminded, or registered
    too late for this reminder, never hold back those after them (with 500 a page, the 501st
    registrant once got no evening reminder)."""
    monkeypatch.setattr(reminders, "BATCH", 2)
    make_event(app)
    people = [Texter(app, app.test_client(), run_jobs, f"07220001{index:02d}").text("EVENT F12") for index in range(3)]
    at(app, "2026-12-02 19:00")
    late = [Texter(app, app.test_client(), run_jobs, f"07220002{index:02d}").text("EVENT F12") for index in range(3)]
    at(app, "2026-12-02 19:30")
    sweep(app, run_jobs)
    assert [phone for phone, _ in sent(app, "event_reminder")] == [f"+2547220001{index:02d}" for index in range(3)]
    at(app, "2026-12-03 08:00")
    sweep(app, run_jobs)
    assert len(sent(app, "event_reminder")) == 3 + 6  # the two-hour reminder to all six, in one sweep
    assert all(texter.last.startswith("Reminder: Forum on consent starts today") for texter in people + late)


def _details(app, **changes):
    values = dict(code="F12", kind="forum", titles={"en": "Forum on consent", "sw": "Jukwaa la ridhaa"},
                  campaign="sexual_violence", venue="Moi Girls Hall", county="Nairobi",
                  starts_at=parse_local_time("2026-12-03 10:00"), ends_at=parse_local_time("2026-12-03 13:00"),
                  capacity=1, audience="public")
    values.update(changes)
    return EventDetails(**values)


def test_a_change_and_a_cancellation_reach_everyone_registered_or_waiting(app, run_jobs):
    event_id = make_event(app, capacity=1)
    first, second = (Texter(app, app.test_client(), run_jobs, number) for number in ("0722000005", "0722000006"))
    first.text("EVENT F12")
    second.text("LUGHA SW").text("TUKIO F12")  # waiting
    with app.services.database.write_transaction() as session:
        update_event(session, app.services.flow_book, event_id,
                     _details(app, starts_at=parse_local_time("2026-12-04 14:00"),
                              ends_at=parse_local_time("2026-12-04 16:00"), venue="Kenyatta Hall"),
                     app.services.clock.now())
    sweep(app, run_jobs, times=2)
    assert first.last == "Change: Forum on consent is now on 4/12 14:00 at Kenyatta Hall. Cannot come? Text EVENT LEAVE F12."
    assert second.last == ("Mabadiliko: Jukwaa la ridhaa sasa ni 4/12 14:00 mahali Kenyatta Hall. "
                           "Hutaweza kuja? Tuma TUKIO TOKA F12.")
    with app.services.database.write_transaction() as session:  # a new title alone tells nobody
        update_event(session, app.services.flow_book, event_id,
                     _details(app, titles={"en": "Forum on consent and safety", "sw": "Jukwaa la ridhaa"},
                              starts_at=parse_local_time("2026-12-04 14:00"),
                              ends_at=parse_local_time("2026-12-04 16:00"), venue="Kenyatta Hall"),
                     app.services.clock.now())
    sweep(app, run_jobs)
    assert len(sent(app, "event_notice")) == 2
    with app.services.database.write_transaction() as session:
        cancel_event(session, event_id, app.services.clock.now())
    sweep(app, run_jobs, times=2)
    assert first.last == "Sorry: Forum on consent and safety on 4/12 14:00 is cancelled. Text EVENT for other events."
    assert second.last == "Samahani: Jukwaa la ridhaa ya 4/12 14:00 imeghairiwa. Tuma TUKIO kwa matukio mengine."
    assert len(sent(app, "event_notice")) == 4
    at(app, "2026-12-03 18:00")
    sweep(app, run_jobs)
    assert sent(app, "event_reminder") == []  # a cancelled event reminds nobody


def test_more_places_move_the_waiting_list_up_in_order(app, run_jobs):
    event_id = make_event(app, capacity=1)
    people = [Texter(app, app.test_client(), run_jobs, f"07220001{n}0") for n in range(1, 5)]
    for person in people:
        person.text("EVENT F12")
    with app.services.database.write_transaction() as session:
        update_event(session, app.services.flow_book, event_id, _details(app, capacity=3), app.services.clock.now())
    sweep(app, run_jobs, times=2)
    assert [phone for phone, _ in sent(app, "event_notice")] == ["+254722000120", "+254722000130"]
    assert people[1].last.startswith("A place freed: you are now registered for Forum on consent")
    assert people[3].last.startswith("Forum on consent is full. You are number 3 on the waiting list")


def test_an_erased_person_s_place_goes_to_the_first_waiting(app, run_jobs):
    make_event(app, capacity=1)
    holder, first, second = (Texter(app, app.test_client(), run_jobs, f"07220005{n}0") for n in range(3))
    for person in (holder, first, second):
        person.text("EVENT F12")
    holder.text("MY DATA ERASE").text("MY DATA CONFIRM")
    sweep(app, run_jobs)
    assert first.last.startswith("A place freed: you are now registered for Forum on consent")
    assert second.last.startswith("Forum on consent is full. You are number 2 on the waiting list")


def test_registering_within_two_hours_of_the_start_gets_no_reminder(app, run_jobs):
    make_event(app)
    at(app, "2026-12-03 09:00")
    Texter(app, app.test_client(), run_jobs, "0722000009").text("EVENT F12")
    sweep(app, run_jobs)
    assert sent(app, "event_reminder") == []


def test_every_worker_runs_the_clock_but_one_sweep_is_queued_per_interval(app):
    queue_event_sweep(app.services)
    queue_event_sweep(app.services)
    assert [job.func_name for job in app.services.queue.get_jobs()] == ["workers.event_jobs.sweep"]
