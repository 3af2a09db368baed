"""Quizzes by SMS: QUIZ [name] starts or resumes one, a letter answers the open question, and
SCHOOL <school>, <county> registers for the leaderboards. Each returns the reply's text."""

from sms_service.quizzes import attempts, schools, texts
from sms_service.quizzes.attempts import ALREADY_DONE, FINISHED, OPEN, STARTED

CHANNEL = "sms"


def start_by_sms(session, book, phone, rest, language):
    quizzes = book.quizzes.quizzes
    if rest:
        quiz = book.quizzes.find(rest.split()[0])
        if quiz is None:
            return texts.fill(book, "unknown", language, quizzes=texts.quiz_list(book, language))
    elif len(quizzes) == 1:
        [quiz] = quizzes.values()
    else:
        example = texts.label_word(next(iter(quizzes.values())))
        return texts.fill(book, "list", language, quizzes=texts.quiz_list(book, language), example=example)
    attempt, how = attempts.start(session, quiz, phone, language, CHANNEL)
    if how == ALREADY_DONE:
        return _score(session, book, quiz, attempt, language, "already_done")
    return texts.opening(book, quiz, attempt.next_question, language, resumed=how != STARTED)


def answer_by_sms(session, book, attempt, choice, language, registered):
    """Mark `choice` for the open attempt's question; feedback plus the next question or the score."""
    quiz = book.quizzes.quizzes.get(attempt.quiz)
    if quiz is None:  # the quiz was taken out of flows/ while this attempt was open
        attempts.expire(session, attempt.id)
        return None
    if not attempts.has_question_due(quiz, attempt):  # it lost questions while open: close it
        attempts.expire(session, attempt.id)
        session.refresh(attempt)
        return _score(session, book, quiz, attempt, language, "expired")
    index = attempt.next_question
    if choice not in quiz.questions[index].letters:
        return texts.reask(book, quiz, index, language)
    marked = attempts.mark(session, quiz, attempt, index, choice, CHANNEL)
    if marked.expired:
        return _score(session, book, quiz, attempt, language, "expired")
    if not marked.counted:  # another answer to this question was marked first: show where it stands
        return _where_it_stands(session, book, quiz, attempt, language)
    reply = texts.feedback(book, quiz, index, language, marked.correct)
    if attempt.status == FINISHED:
        reply += "\n" + _score(session, book, quiz, attempt, language)
        if not registered:
            reply += "\n" + texts.fill(book, "register_hint", language)
        return reply
    return reply + "\n" + texts.prompt(book, quiz, attempt.next_question, language)


def reask_by_sms(book, attempt, language):
    quiz = book.quizzes.quizzes.get(attempt.quiz)
    if quiz is None or not attempts.has_question_due(quiz, attempt):
        return None  # nothing to ask; the next answer or the sweep closes it
    return texts.reask(book, quiz, attempt.next_question, language)


def register_by_sms(session, book, phone, rest, language):
    registration = schools.read_registration(rest)
    if registration is None:
        return texts.fill(book, "school_needs", language)
    outcome, subscriber = schools.register_school(session, phone, *registration, language)
    key = "school_registered" if outcome == schools.REGISTERED else "school_already"
    return texts.fill(book, key, language, school=subscriber.school, county=subscriber.county)


def _where_it_stands(session, book, quiz, attempt, language):
    if attempt.status == OPEN and attempts.has_question_due(quiz, attempt):
        return texts.prompt(book, quiz, attempt.next_question, language)
    return _score(session, book, quiz, attempt, language)


def _score(session, book, quiz, attempt, language, key="finished"):
    """The score and rank message `key` for a closed attempt."""
    return texts.result(book, quiz, attempts.standing(session, quiz, attempt), language, key)
