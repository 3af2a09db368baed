"""Reminders after a silence and expiry of quizzes left unanswered, found by a sweep that the
worker clock queues on RQ every QUIZ_SWEEP_SECONDS.

Each reminder and each expiry is claimed by a conditional UPDATE before its message is queued,
in the same transaction: a sweep that runs twice, or two at once, sends one reminder per question
and one "time is up" per attempt.
"""

from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy import and_, or_, select, update

from sms_service.core.models import QuizAttempt
from sms_service.domain.messaging.outbox import queue_message
from sms_service.domain.quizzes import attempts, texts
from sms_service.domain.quizzes.attempts import OPEN, PAUSED

SWEEP_JOB = "workers.quiz_jobs.sweep"
SWEEP_QUEUED_KEY = "quizzes:sweep-queued"
BATCH = 500  # attempts per sweep and kind; the next sweep takes the rest


@dataclass(frozen=True)
class QuizTimings:
    remind_after: timedelta  # silence on an open question before one reminder
    expire_after: timedelta  # silence before an open or paused attempt closes for good

    @classmethod
    def from_config(cls, config):
        return cls(timedelta(minutes=config["QUIZ_REMINDER_MINUTES"]), timedelta(minutes=config["QUIZ_EXPIRY_MINUTES"]))


def send_reminders(session, book, timings, now):
    """Queue one reminder for each open question silent for `remind_after` at `now`; returns
    message ids."""
    not_reminded = or_(QuizAttempt.reminded_question.is_(None), QuizAttempt.reminded_question != QuizAttempt.next_question)
    due = session.execute(
        select(QuizAttempt.id, QuizAttempt.next_question)
        .where(QuizAttempt.status == OPEN, QuizAttempt.last_prompt_at <= now - timings.remind_after, not_reminded)
        .limit(BATCH)
    ).all()
    message_ids = []
    for attempt_id, question in due:
        claimed = session.execute(
            update(QuizAttempt)
            .where(QuizAttempt.id == attempt_id, QuizAttempt.status == OPEN, QuizAttempt.next_question == question,
                   not_reminded)
            .values(reminded_question=question)
            .execution_options(synchronize_session=False)
        ).rowcount
        if not claimed:
            continue  # another sweep reminded it first
        attempt = session.get(QuizAttempt, attempt_id)
        quiz = book.quizzes.quizzes.get(attempt.quiz)
        if quiz is None or not attempts.has_question_due(quiz, attempt):
            continue
        language = attempt.language
        text = texts.fill(book, "reminder", language, name=quiz.name[language]) + "\n" + texts.prompt(
            book, quiz, question, language)
        message_ids.append(queue_message(session, attempt.phone, text, "quiz_reminder", now).id)
    return message_ids


def expire_silent(session, book, timings, now):
    """Close attempts silent for `expire_after` or past their time limit; a closed open one gets
    its score. Returns message ids."""
    # A time limit counts from the start and is read from the definition, so a changed limit applies.
    past_limit = [
        and_(QuizAttempt.quiz == quiz.code, QuizAttempt.started_at <= now - timedelta(minutes=quiz.time_limit_minutes))
        for quiz in book.quizzes.quizzes.values() if quiz.time_limit_minutes
    ]
    due = session.execute(
        select(QuizAttempt)
        .where(QuizAttempt.status.in_((OPEN, PAUSED)),
               or_(QuizAttempt.last_prompt_at <= now - timings.expire_after, *past_limit))
        .limit(BATCH)
    ).scalars().all()
    message_ids = []
    for attempt in due:
        was_open = attempt.status == OPEN
        if not attempts.expire(session, attempt.id, now):
            continue  # another sweep closed it first
        session.refresh(attempt)
        quiz = book.quizzes.quizzes.get(attempt.quiz)
        if was_open and quiz is not None:  # a paused quiz ends quietly: the student had moved on
            standing = attempts.standing(session, quiz, attempt)
            text = texts.result(book, quiz, standing, attempt.language, "expired")
            message_ids.append(queue_message(session, attempt.phone, text, "quiz_expired", now).id)
    return message_ids
