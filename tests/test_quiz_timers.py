"""Reminders after a silence and expiry of unanswered quizzes: swept by a real RQ worker, sent
through the gateway, never twice however often the sweep runs. The app's clock stands still
unless a test moves it on, so a silence is exactly as long as the test says, at any hour."""

import threading

import pytest
from sqlalchemy import select

from sms_service.core.clock import ManualClock, parse_local_time
from sms_service.core.models import OutboundMessage, QuizAttempt
from sms_service.domain.quizzes.timers import SWEEP_JOB, QuizTimings, send_reminders
from tests.sms_phone import Texter
from workers.runner import queue_quiz_sweep
from workers.sms_jobs import SEND_JOB as SEND_JOB_NAME

# The torture quiz has no time limit: only silence closes it.
REMINDER = "Still there? The Stop torture quiz is waiting for your answer.\n"


@pytest.fixture
def student(live_app, run_jobs):
    # Morning in Nairobi, inside the reminders' 07:00-21:00 window; a day's silence runs past
    # midnight into another date.
    app = live_app(clock=ManualClock(parse_local_time("2026-12-01 10:00")), QUIZ_REMINDER_MINUTES=30,
                   QUIZ_EXPIRY_MINUTES=24 * 60)
    return Texter(app, app.test_client(), run_jobs, number="0733000444")


def silence(app, minutes):
    """Let `minutes` pass without a word from the student."""
    app.services.clock.advance(minutes=minutes)


def sweep(student, times=1):
    for _ in range(times):
        student.app.services.queue.enqueue(SWEEP_JOB)
    student.run_jobs(student.app)


def sent(app, purpose):
    with app.services.database.transaction() as session:
        return session.execute(select(OutboundMessage.text).where(OutboundMessage.purpose == purpose)
                               .order_by(OutboundMessage.id)).scalars().all()


def attempt(app):
    with app.services.database.transaction() as session:
        return session.execute(select(QuizAttempt)).scalar_one()


def test_one_reminder_per_silent_question_however_often_the_sweep_runs(student):
    student.text("QUIZ TORTURE")
    sweep(student)
    assert sent(student.app, "quiz_reminder") == []  # not silent long enough yet
    silence(student.app, 31)
    sweep(student, times=2)
    sweep(student)
    assert student.last.startswith(REMINDER + "Q1/4 Can Kenya limit the freedom from torture")
    assert len(sent(student.app, "quiz_reminder")) == 1
    student.text("B")  # answered: the next question may get its own reminder
    silence(student.app, 31)
    sweep(student, times=2)
    assert [text.split("\n")[1][:4] for text in sent(student.app, "quiz_reminder")] == ["Q1/4", "Q2/4"]


def test_two_sweeps_at_once_remind_once(student):
    student.text("QUIZ TORTURE")
    silence(student.app, 31)
    app, found = student.app, []
    timings = QuizTimings.from_config(app.config)

    def run():
        with app.services.database.write_transaction() as session:
            found.extend(send_reminders(session, app.services.flow_book, timings, app.services.clock.now()))

    threads = [threading.Thread(target=run) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(found) == 1
    assert len(sent(app, "quiz_reminder")) == 1


def test_a_quiz_left_unanswered_expires_with_its_score(student):
    student.text("QUIZ TORTURE").text("B")
    silence(student.app, 24 * 60 + 1)
    sweep(student, times=2)
    assert student.last == "Time is up for the Stop torture quiz: 1 of 4 right."
    assert len(sent(student.app, "quiz_expired")) == 1
    assert (attempt(student.app).status, attempt(student.app).score) == ("expired", 1)
    student.text("A")  # too late: not an answer any more
    assert student.last.startswith("Sorry, we did not understand.")


def test_the_time_limit_closes_a_quiz_at_the_next_sweep(student):
    student.text("QUIZ ATT")
    student.app.services.clock.advance(minutes=30, seconds=1)  # the ATT quiz allows 30 minutes
    sweep(student)
    assert student.last == "Time is up for the Arms Trade Treaty quiz: 0 of 4 right."


def test_a_paused_quiz_expires_quietly_and_stopped_numbers_get_no_reminder(student):
    student.text("QUIZ TORTURE").text("STOP")
    silence(student.app, 31)
    sweep(student)
    assert sent(student.app, "quiz_reminder") == []
    silence(student.app, 24 * 60 + 1)
    sweep(student)
    assert sent(student.app, "quiz_expired") == []
    assert attempt(student.app).status == "expired"


def test_every_worker_runs_the_clock_but_one_sweep_is_queued_per_interval(app):
    queue_quiz_sweep(app.services)
    queue_quiz_sweep(app.services)
    assert [job.func_name for job in app.services.queue.get_jobs()] == [SWEEP_JOB]


def test_a_reminder_due_at_night_waits_for_the_morning(student):
    """Reminders are transactional messages: they go out between 07:00 and 21:00 Nairobi time."""
    clock = student.app.services.clock
    clock.set(parse_local_time("2026-12-01 20:40"))
    student.text("QUIZ TORTURE")
    silence(student.app, 31)  # 21:11: the reminder is due, the window has closed
    sweep(student)
    [waiting] = sent_rows(student.app, "quiz_reminder")
    assert (waiting.status, waiting.attempts) == ("queued", 0)
    scheduled = student.app.services.queue.scheduled_job_registry
    [job_id] = scheduled.get_job_ids()
    assert scheduled.get_scheduled_time(job_id).replace(tzinfo=None) == parse_local_time("2026-12-02 07:00").replace(
        tzinfo=None)
    clock.set(parse_local_time("2026-12-02 07:00"))
    student.app.services.queue.enqueue(SEND_JOB_NAME, waiting.id)  # as RQ's scheduler does at 07:00
    student.run_jobs(student.app)
    assert student.last.startswith(REMINDER)
    [reminder] = sent_rows(student.app, "quiz_reminder")
    assert (reminder.status in ("sent", "delivered"), reminder.attempts) == (True, 1)


def sent_rows(app, purpose):
    with app.services.database.transaction() as session:
        return session.execute(select(OutboundMessage).where(OutboundMessage.purpose == purpose)).scalars().all()
