"""Taking a quiz, whatever the channel: starting or resuming an attempt, marking answers, standing.

A number has one attempt per quiz (so a score cannot be improved by retaking) and at most one
open attempt, the one its answers go to. Answers are marked by a conditional UPDATE: of two
answers to one question racing in on two workers, only the first moves the attempt on.
"""

from dataclasses import dataclass
from datetime import timedelta
from enum import StrEnum

from sqlalchemy import func, insert, literal, select, update
from sqlalchemy.exc import IntegrityError

from sms_service.core.clock import as_utc
from sms_service.core.models import QuizAnswer, QuizAttempt
from sms_service.domain.quizzes import texts


class AttemptStatus(StrEnum):
    """Stored in `quiz_attempts.status` (a plain string column)."""

    OPEN = "open"  # the number's answers go to it (at most one open attempt per number)
    PAUSED = "paused"  # another quiz started, or the number texted STOP; QUIZ <name> resumes it
    FINISHED = "finished"  # every question answered
    EXPIRED = "expired"  # closed by silence or the time limit, with what was answered


OPEN, PAUSED, FINISHED, EXPIRED = AttemptStatus
FINAL = (FINISHED, EXPIRED)
# What `start` found: a new attempt, a paused one reopened, the open one, or a final one.
STARTED, RESUMED, CONTINUING, ALREADY_DONE = "started", "resumed", "continuing", "already_done"


def open_attempt(session, phone):
    return session.execute(select(QuizAttempt).where(QuizAttempt.phone == phone, QuizAttempt.status == OPEN)).scalar()


def find_attempt(session, quiz_code, phone):
    return session.execute(
        select(QuizAttempt).where(QuizAttempt.quiz == quiz_code, QuizAttempt.phone == phone)
    ).scalar()


def has_question_due(quiz, attempt):
    """False when an open attempt stands past the quiz's end: questions were taken out of the
    definition while it was open. Callers then close it with what was answered."""
    return attempt.next_question < len(quiz.questions)


def pause_open(session, phone, except_quiz=None):
    """Pause the number's open attempt (another quiz starts, or the number texted STOP)."""
    query = update(QuizAttempt).where(QuizAttempt.phone == phone, QuizAttempt.status == OPEN)
    if except_quiz is not None:
        query = query.where(QuizAttempt.quiz != except_quiz)
    session.execute(query.values(status=PAUSED).execution_options(synchronize_session=False))


def start(session, quiz, phone, language, channel, now):
    """Start `quiz` for `phone` at `now`, or take it up again; returns (attempt, what happened)."""
    attempt = find_attempt(session, quiz.code, phone)
    if attempt is not None and attempt.status in FINAL:
        return attempt, ALREADY_DONE
    pause_open(session, phone, except_quiz=quiz.code)
    if attempt is None:
        try:
            with session.begin_nested():
                attempt = QuizAttempt(
                    quiz=quiz.code, phone=phone, language=language, channel=channel, status=OPEN,
                    next_question=0, score=0, started_at=now, last_prompt_at=now,
                )
                session.add(attempt)
            return attempt, STARTED
        except IntegrityError:  # the same number started it at the same moment on another worker
            attempt = find_attempt(session, quiz.code, phone)
            return attempt, CONTINUING
    how = RESUMED if attempt.status == PAUSED else CONTINUING
    attempt.status, attempt.language, attempt.last_prompt_at = OPEN, language, now
    session.flush()
    return attempt, how


def start_pushed_attempts(session, quiz_code, broadcast_id, recipients, now):
    """Start `quiz_code` for every (phone, language) row of `recipients`, a select, in the
    database: a broadcast pushing a quiz to a school or festival starts it for each recipient.

    Their open attempts at other quizzes are paused, as when they text QUIZ <name>. A recipient
    who already has an attempt at this quiz keeps it as it is (a quiz is taken once).
    """
    phones = select(recipients.subquery().c[0])
    session.execute(
        update(QuizAttempt)
        .where(QuizAttempt.status == OPEN, QuizAttempt.quiz != quiz_code, QuizAttempt.phone.in_(phones))
        .values(status=PAUSED)
        .execution_options(synchronize_session=False)
    )
    chunk = recipients.subquery()
    phone, language = chunk.c[0], chunk.c[1]
    already = select(QuizAttempt.id).where(QuizAttempt.quiz == quiz_code, QuizAttempt.phone == phone)
    rows = select(
        literal(quiz_code), phone, language, literal("broadcast"), literal(OPEN), literal(0), literal(0),
        literal(now), literal(now), literal(broadcast_id),
    ).where(~already.exists())
    columns = ("quiz", "phone", "language", "channel", "status", "next_question", "score", "started_at",
               "last_prompt_at", "broadcast_id")
    session.execute(insert(QuizAttempt.__table__).from_select(columns, rows))


def continue_pushed_attempts(session, book, quiz_code, broadcast_id, phones, now):
    """After `start_pushed_attempts`: the recipients (`phones`, a select of numbers) who already
    had an attempt at the quiz before this push; {phone: the text each gets instead of question 1}.

    A pushed quiz never starts again at question 1 for them: an attempt still going gets the
    question it stands at (with the "resumed" intro, and a paused one is open again), a closed
    one its score and rank. `book` is the FlowBook whose quiz messages say it.
    """
    quiz = book.quizzes.quizzes.get(quiz_code) if book is not None and book.quizzes else None
    if quiz is None:
        return {}
    earlier = session.scalars(select(QuizAttempt).where(
        QuizAttempt.quiz == quiz_code, QuizAttempt.phone.in_(phones),
        QuizAttempt.broadcast_id.is_(None) | (QuizAttempt.broadcast_id != broadcast_id),
    )).all()
    instead = {}
    for attempt in earlier:
        if attempt.status in FINAL or not has_question_due(quiz, attempt):
            found = standing(session, quiz, attempt)
            instead[attempt.phone] = texts.result(book, quiz, found, attempt.language, "already_done")
            continue
        if attempt.status == PAUSED:  # start_pushed_attempts paused every other open attempt
            attempt.status = OPEN
        attempt.last_prompt_at = now
        instead[attempt.phone] = texts.opening(book, quiz, attempt.next_question, attempt.language, resumed=True)
    return instead


@dataclass(frozen=True)
class Marked:
    counted: bool  # False: not the first answer to this question, or the attempt is closed
    correct: bool = False
    question: int = 0  # the question that was answered (0-based)
    expired: bool = False  # the time limit had passed: the attempt is now closed


def mark(session, quiz, attempt, question, choice, channel, now):
    """Record `choice` (A-D) as the answer to `question` of an open attempt, if it is the first
    and comes (at `now`) within the quiz's time limit."""
    if quiz.time_limit_minutes and as_utc(attempt.started_at) + timedelta(minutes=quiz.time_limit_minutes) <= now:
        expire(session, attempt.id, now)
        session.refresh(attempt)
        return Marked(counted=False, question=question, expired=True)
    correct = choice == quiz.questions[question].answer
    last = question + 1 >= len(quiz.questions)
    moved = session.execute(
        update(QuizAttempt)
        .where(QuizAttempt.id == attempt.id, QuizAttempt.status == OPEN, QuizAttempt.next_question == question)
        .values(
            next_question=question + 1, score=QuizAttempt.score + int(correct), last_prompt_at=now,
            status=FINISHED if last else OPEN, finished_at=now if last else None,
        )
        .execution_options(synchronize_session=False)
    ).rowcount
    if moved:
        session.add(QuizAnswer(attempt_id=attempt.id, question=question, choice=choice, correct=correct,
                               channel=channel, answered_at=now))
        session.flush()
    session.refresh(attempt)
    return Marked(counted=bool(moved), correct=correct, question=question)


def expire(session, attempt_id, now):
    """Close an open or paused attempt for good at `now`; True if this call closed it."""
    return bool(session.execute(
        update(QuizAttempt)
        .where(QuizAttempt.id == attempt_id, QuizAttempt.status.in_((OPEN, PAUSED)))
        .values(status=EXPIRED, finished_at=now)
        .execution_options(synchronize_session=False)
    ).rowcount)


@dataclass(frozen=True)
class Standing:
    score: int
    count: int  # questions in the quiz
    rank: int  # 1 + how many closed attempts scored more (ties share a rank)
    takers: int  # closed attempts of this quiz


def standing(session, quiz, attempt):
    closed = (QuizAttempt.quiz == quiz.code, QuizAttempt.status.in_(FINAL))
    better = session.scalar(select(func.count()).where(*closed, QuizAttempt.score > attempt.score))
    takers = session.scalar(select(func.count()).where(*closed))
    return Standing(score=attempt.score, count=len(quiz.questions), rank=better + 1, takers=max(takers, 1))
