"""The quiz actions, and school registration: what the generated quiz screens run
(flows/quiz_screens.py), and what the SMS router runs for QUIZ, an answer and SCHOOL.

One attempt per number and quiz whatever the channel: a student may start a quiz by SMS and go on
by USSD.
"""

from sms_service.domain.quizzes import attempts, schools
from sms_service.domain.quizzes.attempts import ALREADY_DONE, FINISHED, OPEN, PAUSED
from sms_service.engine.flows.quiz_screens import DONE

# What the score screen shows, and the longest value each can take (for `flask flows check`).
STANDING_FIELDS = {"quiz_score": "99", "quiz_count": "99", "quiz_rank": "999999", "quiz_takers": "999999"}


def _where_it_stands(attempt, quiz):
    if attempt.status != OPEN or not attempts.has_question_due(quiz, attempt):
        return DONE
    return str(attempt.next_question + 1)


def start_quiz(context, quiz):
    """Start or take up `quiz`; the outcome is the question it stands at ("1".."n") or DONE, and
    `context.answers["quiz_start"]` says how (started, resumed, continuing, already_done)."""
    definition = context.book.quizzes.quizzes[quiz]
    attempt, how = attempts.start(context.session, definition, context.phone, context.language, context.channel,
                                  context.now)
    context.answers["quiz_start"] = how
    return DONE if how == ALREADY_DONE else _where_it_stands(attempt, definition)


def answer_quiz(context, quiz, question):
    """Mark the chosen option for `question` (1-based); a question already answered is not re-marked."""
    definition = context.book.quizzes.quizzes[quiz]
    attempt = attempts.find_attempt(context.session, quiz, context.phone)
    if attempt is None or attempt.status == PAUSED:  # paused (or gone) by SMS meanwhile: take it up again
        attempt, _ = attempts.start(context.session, definition, context.phone, context.language,
                                    context.channel, context.now)
    if attempt.status != OPEN or attempt.next_question != question - 1:
        return _where_it_stands(attempt, definition)  # only the first answer counts: on to where it stands
    marked = attempts.mark(context.session, definition, attempt, question - 1, context.answers["quiz_choice"],
                           context.channel, context.now)
    if not marked.counted:
        return _where_it_stands(attempt, definition)
    return "right" if marked.correct else "wrong"


def finish_quiz(context, quiz):
    definition = context.book.quizzes.quizzes[quiz]
    attempt = attempts.find_attempt(context.session, quiz, context.phone)
    if attempt is None:  # nothing to score (the attempt was never made): show it closed, at zero
        context.answers.update(quiz_score=0, quiz_count=len(definition.questions), quiz_rank="-", quiz_takers="-")
        return "closed"
    if attempt.status == OPEN and not attempts.has_question_due(definition, attempt):
        attempts.expire(context.session, attempt.id, context.now)  # the quiz lost questions while it was open
        context.session.refresh(attempt)
    standing = attempts.standing(context.session, definition, attempt)
    context.answers.update(quiz_score=standing.score, quiz_count=standing.count, quiz_rank=standing.rank,
                           quiz_takers=standing.takers)
    return "finished" if attempt.status == FINISHED else "closed"


def register_school(context):
    outcome, subscriber = schools.register_school(
        context.session, context.phone, context.answers["school"], context.answers["county"], context.language
    )
    context.answers.update(school=subscriber.school, county=subscriber.county)
    return outcome
