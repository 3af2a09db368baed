"""The retention job: message texts older than CONVERSATION_RETENTION_MONTHS are deleted by the
workers' clock, the rows (and so every count) stay. The app's clock is a ManualClock that the
tests move on: a year passes in a line, at any hour."""

import pytest
from sqlalchemy import func, select

from sms_service.core.clock import ManualClock, parse_local_time
from sms_service.core.models import InboundMessage, OutboundMessage
from sms_service.domain.people.retention import RETENTION_JOB, retention_cutoff
from tests.event_helpers import make_event, registrations
from tests.sms_phone import Texter
from workers.runner import queue_retention


@pytest.fixture
def texter(live_app, run_jobs):
    app = live_app(clock=ManualClock(parse_local_time("2026-12-01 10:00")), CONVERSATION_RETENTION_MONTHS=12,
                   EVENT_NAME_RETENTION_DAYS=30)
    return Texter(app, app.test_client(), run_jobs)


def texts(app, model):
    with app.services.database.transaction() as session:
        return session.scalars(select(model.text).order_by(model.id)).all()


def test_texts_older_than_the_retention_period_go_and_the_counts_stay(texter):
    app = texter.app
    texter.text("JOIN")
    app.services.clock.advance(days=200)
    texter.text("HELP")
    assert queue_retention(app.services) is True  # what each worker's clock does
    texter.run_jobs(app)
    assert texts(app, InboundMessage) == ["JOIN", "HELP"]  # nothing is a year old yet

    app.services.clock.advance(days=170)  # JOIN is 370 days old, HELP 170
    app.services.queue.enqueue(RETENTION_JOB)  # the next interval's run
    texter.run_jobs(app)
    assert texts(app, InboundMessage) == ["", "HELP"]
    welcome, help_reply = texts(app, OutboundMessage)
    assert welcome == "" and help_reply.startswith("Haki Yetu")
    with app.services.database.transaction() as session:
        assert session.scalar(select(func.count()).select_from(InboundMessage)) == 2
        assert session.scalar(select(func.count()).select_from(OutboundMessage)) == 2


def test_the_clock_queues_the_job_once_per_interval(texter):
    services = texter.app.services
    assert queue_retention(services) is True
    assert queue_retention(services) is False  # another worker's clock within the interval


@pytest.mark.parametrize("now, months, cutoff", [
    ("2026-12-01 10:00", 12, "2025-12-01 10:00"),
    ("2027-03-31 00:30", 1, "2027-02-28 00:30"),  # no 31 February: its last day
    ("2028-02-29 12:00", 12, "2027-02-28 12:00"),
    ("2026-01-15 02:00", 13, "2024-12-15 02:00"),  # Nairobi's date, not UTC's (23:00 the day before)
])
def test_the_cutoff_counts_calendar_months_in_nairobi(now, months, cutoff):
    assert retention_cutoff(parse_local_time(now), months) == parse_local_time(cutoff)


def test_names_given_for_an_events_door_go_once_it_is_over_and_the_attendance_stays(texter):
    """EVENT_NAME_RETENTION_DAYS (30 here) after an event ends, its registrants' names go; their
    places and check-ins stay for the attendance figures. A later event's names stay."""
    app = texter.app
    past = make_event(app, code="P1", starts="2026-12-05 10:00", ends="2026-12-05 13:00")
    later = make_event(app, code="L1", starts="2027-01-20 10:00", ends="2027-01-20 13:00")
    texter.text("EVENT P1 Achieng Otieno").text("EVENT L1 Achieng Otieno")
    assert [name for _, _, name in registrations(app, past) + registrations(app, later)] == ["Achieng Otieno"] * 2
    app.services.clock.set(parse_local_time("2027-01-04 12:00"))  # 29 days and 23 hours after P1 ended
    app.services.queue.enqueue(RETENTION_JOB)
    texter.run_jobs(app)
    assert registrations(app, past) == [("+254711082001", "registered", "Achieng Otieno")]
    app.services.clock.advance(hours=2)  # past 30 days
    app.services.queue.enqueue(RETENTION_JOB)
    texter.run_jobs(app)
    assert registrations(app, past) == [("+254711082001", "registered", None)]
    assert registrations(app, later) == [("+254711082001", "registered", "Achieng Otieno")]
