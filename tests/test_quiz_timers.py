"""Reminders after a silence and expiry of unanswered quizzes: swept by a real RQ worker, sent
through the gateway, never twice however often the sweep runs."""

import threading
from datetime import timedelta

import pytest
from sqlalchemy import select, update

from sms_service.models import OutboundMessage, QuizAttempt, utcnow
from sms_service.quizzes.timers import SWEEP_JOB, QuizTimings, send_reminders
from tests.sms_phone import Texter
from workers.runner import queue_quiz_sweep

REMINDER = "Still there? The Arms Trade Treaty quiz is waiting for your answer.\n"


@pytest.fixture
def student(live_app, run_jobs):
    app = live_app(QUIZ_REMINDER_MINUTES=30, QUIZ_EXPIRY_MINUTES=24 * 60)
    return Texter(app, app.test_client(), run_jobs, number="0733000444")


def silence(app, minutes):
    """Make every attempt look as if its last prompt went `minutes` ago."""
    with app.extensions["database"].transaction() as session:
        session.execute(update(QuizAttempt).values(last_prompt_at=utcnow() - timedelta(minutes=minutes)))


def sweep(student, times=1):
    for _ in range(times):
        student.app.extensions["queue"].enqueue(SWEEP_JOB)
    student.run_jobs(student.app)


def sent(app, purpose):
    with app.extensions["database"].transaction() as session:
        return session.execute(select(OutboundMessage.text).where(OutboundMessage.purpose == purpose)).scalars().all()


def attempt(app):
    with app.extensions["database"].transaction() as session:
        return session.execute(select(QuizAttempt)).scalar_one()


def test_one_reminder_per_silent_question_however_often_the_sweep_runs(student):
    student.text("QUIZ ATT")
    sweep(student)
    assert sent(student.app, "quiz_reminder") == []  # not silent long enough yet
    silence(student.app, 31)
    sweep(student, times=2)
    sweep(student)
    assert student.last.startswith(REMINDER + "Q1/4 When did the Arms Trade Treaty")
    assert len(sent(student.app, "quiz_reminder")) == 1
    student.text("B")  # answered: the next question may get its own reminder
    silence(student.app, 31)
    sweep(student, times=2)
    assert [text.split("\n")[1][:4] for text in sent(student.app, "quiz_reminder")] == ["Q1/4", "Q2/4"]


def test_two_sweeps_at_once_remind_once(student):
    student.text("QUIZ ATT")
    silence(student.app, 31)
    app, found = student.app, []
    timings = QuizTimings.from_config(app.config)

    def run():
        with app.extensions["database"].write_transaction() as session:
            found.extend(send_reminders(session, app.extensions["flow_book"], timings))

    threads = [threading.Thread(target=run) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(found) == 1
    assert len(sent(app, "quiz_reminder")) == 1


def test_a_quiz_left_unanswered_expires_with_its_score(student):
    student.text("QUIZ ATT").text("B")
    silence(student.app, 24 * 60 + 1)
    sweep(student, times=2)
    assert student.last == "Time is up for the Arms Trade Treaty quiz: 1 of 4 right."
    assert len(sent(student.app, "quiz_expired")) == 1
    assert (attempt(student.app).status, attempt(student.app).score) == ("expired", 1)
    student.text("A")  # too late: not an answer any more
    assert student.last.startswith("Sorry, we did not understand.")


def test_the_time_limit_closes_a_quiz_at_the_next_sweep(student):
    student.text("QUIZ ATT")
    with student.app.extensions["database"].transaction() as session:
        session.execute(update(QuizAttempt).values(started_at=utcnow() - timedelta(minutes=30, seconds=1)))
    sweep(student)
    assert student.last == "Time is up for the Arms Trade Treaty quiz: 0 of 4 right."


def test_a_paused_quiz_expires_quietly_and_stopped_numbers_get_no_reminder(student):
    student.text("QUIZ ATT").text("STOP")
    silence(student.app, 31)
    sweep(student)
    assert sent(student.app, "quiz_reminder") == []
    silence(student.app, 24 * 60 + 1)
    sweep(student)
    assert sent(student.app, "quiz_expired") == []
    assert attempt(student.app).status == "expired"


def test_every_worker_runs_the_clock_but_one_sweep_is_queued_per_interval(app):
    queue_quiz_sweep(app)
    queue_quiz_sweep(app)
    assert [job.func_name for job in app.extensions["queue"].get_jobs()] == [SWEEP_JOB]
