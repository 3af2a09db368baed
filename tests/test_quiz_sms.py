"""Quizzes by SMS, end to end: AT's inbound callback, a real RQ worker, the reply sent through the
official SDK to the local gateway, and the attempt and answers in the database."""

import pytest
from sqlalchemy import select

from sms_service.core.clock import ManualClock, parse_local_time
from sms_service.core.models import QuizAnswer, QuizAttempt, Subscriber
from sms_service.domain.quizzes.answers import parse_answer
from tests.sms_phone import Texter

ATT_Q1 = ("Q1/4 When did the Arms Trade Treaty (ATT) become binding international law?\n"
          "A) 1998\nB) December 2014\nC) 2021")
ATT_Q2 = ("Q2/4 What does the ATT regulate?\nA) Oil exports\n"
          "B) The trade in conventional arms, from pistols to tanks\nC) Mobile phone prices")


@pytest.mark.parametrize(
    "text, choice",
    [
        ("A", "A"), ("b", "B"), ("b.", "B"), ("(b)", "B"), ("B)", "B"), ("[c]", "C"), (" d ", "D"),
        ("b!", "B"), ("answer b", "B"), ("Answer: C", "C"), ("ANSWER IS a", "A"), ("ans d", "D"),
        ("jibu b", "B"), ("Jibu ni C", "C"), ("JIBU: a", "A"), ("1", "A"), ("2", "B"), ("(3)", "C"),
        ("4.", "D"), ("jibu 2", "B"),
        ("", None), ("e", None), ("5", None), ("0", None), ("ab", None), ("a b", None), ("bb", None),
        ("yes", None), ("answer", None), ("jibu", None), ("12", None), ("\uff22", None), ("b c", None),
        ("STOP", None), ("the answer is b because", None),
    ],
)
def test_reading_answers(text, choice):
    assert parse_answer(text) == choice


@pytest.fixture
def student(live_app, run_jobs):
    app = live_app(clock=ManualClock(parse_local_time("2026-12-01 10:00")))  # moved on by the time-limit test
    return Texter(app, app.test_client(), run_jobs, number="0722000111")


def attempts(app):
    with app.services.database.transaction() as session:
        return session.execute(select(QuizAttempt).order_by(QuizAttempt.id)).scalars().all()


def answers(app):
    with app.services.database.transaction() as session:
        rows = session.execute(select(QuizAnswer).order_by(QuizAnswer.id)).scalars().all()
        return [(row.question, row.choice, row.correct, row.channel) for row in rows]


def test_a_whole_quiz_by_sms(student):
    student.text("QUIZ")
    assert student.last == (
        "Haki Yetu quizzes: ATT (Arms Trade Treaty), CONSENT (Consent and safety), TORTURE (Stop torture). "
        "Text QUIZ and a name to start, e.g. QUIZ ATT."
    )
    student.text("quiz att")
    assert student.last == "Arms Trade Treaty quiz (4 questions):\n" + ATT_Q1
    student.text("b.")
    assert student.last == "Correct! The ATT became binding on 24 December 2014.\n" + ATT_Q2
    student.text("(a)")
    assert student.last.startswith("Not quite: the answer is B. It sets rules for the international trade")
    assert "\nQ3/4 A state must refuse an arms transfer" in student.last
    student.text("jibu a").text("2")
    assert student.last == (
        "Correct! Not yet. Text ATT and your name to ask Kenya to ratify it.\n"
        "Quiz done: 3 of 4 right. You rank 1 of 1.\n"
        "Text SCHOOL, your school, a comma and your county to join the school leaderboard."
    )
    [attempt] = attempts(student.app)
    assert (attempt.quiz, attempt.status, attempt.score, attempt.next_question, attempt.channel) == (
        "att", "finished", 3, 4, "sms")
    assert answers(student.app) == [(0, "B", True, "sms"), (1, "A", False, "sms"), (2, "A", True, "sms"),
                                    (3, "B", True, "sms")]


def test_a_quiz_in_kiswahili(student):
    student.text("LUGHA SW").text("chemsha mateso")
    assert student.last.startswith("Chemsha bongo: Komesha mateso (maswali 4):\nS1/4 Je, Kenya inaweza")
    student.text("B")
    assert student.last.startswith("Sahihi! Ibara ya 25 ya Katiba")
    assert "\nS2/4 Kenya ilipitisha Sheria ya Kuzuia Mateso mwaka gani?\nA) 2010\nB) 2017\nC) 2022" in student.last


@pytest.mark.parametrize("garbage", ["maybe", "E", "D", "I think it is the second one", "\u2603"])
def test_anything_else_re_asks_briefly_and_loses_nothing(student, garbage):
    student.text("QUIZ ATT").text(garbage)
    assert student.last == "Please reply A/B/C to question 1."
    [attempt] = attempts(student.app)
    assert (attempt.next_question, attempt.score) == (0, 0)
    student.text("B")
    assert student.last.startswith("Correct!")


def test_keywords_still_work_during_a_quiz(student):
    student.text("QUIZ ATT").text("HELP")
    assert student.last.startswith("Haki Yetu: text JOIN for campaign updates")
    assert attempts(student.app)[0].status == "open"


def test_stop_wins_over_a_quiz_answer(student):
    student.text("QUIZ ATT").text("STOP")
    assert student.last.startswith("You will get no more messages from Haki Yetu.")
    sent = len(student.inbox)
    student.text("b")  # an answer, after STOP: not marked, and no reply to an opted-out number
    assert len(student.inbox) == sent
    [attempt] = attempts(student.app)
    assert (attempt.status, attempt.next_question) == ("paused", 0)
    assert answers(student.app) == []


def test_a_short_text_that_mentions_stop_is_stop_not_an_answer(student):
    student.text("QUIZ ATT").text("b stop")
    assert student.last.startswith("You will get no more messages")
    assert answers(student.app) == []


def test_only_the_first_answer_to_a_question_counts(student):
    from sms_service.domain.quizzes.attempts import mark

    student.text("QUIZ ATT")
    book = student.app.services.flow_book
    quiz = book.quizzes.quizzes["att"]
    with student.app.services.database.write_transaction() as session:  # reads, then writes: the lock up front
        attempt = session.get(QuizAttempt, attempts(student.app)[0].id)
        now = student.app.services.clock.now()
        first = mark(session, quiz, attempt, 0, "A", "sms", now)
        second = mark(session, quiz, attempt, 0, "B", "sms", now)  # a racing second answer to question 1
    assert (first.counted, first.correct, second.counted) == (True, False, False)
    assert answers(student.app) == [(0, "A", False, "sms")]
    assert (attempts(student.app)[0].score, attempts(student.app)[0].next_question) == (0, 1)


def test_two_answers_handled_at_once_mark_one(student):
    """Both texts stored before a worker runs: the first is question 1's answer, the second question 2's."""
    student.text("QUIZ ATT")
    student.text("a", handle=False).text("b", handle=False)
    student.run_jobs(student.app)
    assert [a[:2] for a in answers(student.app)] == [(0, "A"), (1, "B")]


def test_starting_another_quiz_pauses_the_first_and_quiz_name_resumes_it(student):
    student.text("QUIZ ATT").text("B").text("QUIZ TORTURE")
    assert student.last.startswith("Stop torture quiz (4 questions):\nQ1/4 Can Kenya limit")
    student.text("QUIZ ATT")
    assert student.last == "Welcome back to the Arms Trade Treaty quiz.\n" + ATT_Q2
    statuses = {a.quiz: a.status for a in attempts(student.app)}
    assert statuses == {"att": "open", "torture": "paused"}


def test_a_quiz_is_taken_once(student):
    student.text("QUIZ ATT")
    for answer in "BBAB":
        student.text(answer)
    student.text("QUIZ ATT")
    assert student.last == "You took the Arms Trade Treaty quiz: 4 of 4 right, rank 1 of 1."
    assert len(attempts(student.app)) == 1


def test_an_unknown_quiz_lists_the_real_ones(student):
    student.text("QUIZ football")
    assert student.last == ("There is no quiz called that. Quizzes: ATT (Arms Trade Treaty), "
                            "CONSENT (Consent and safety), TORTURE (Stop torture).")


def test_an_answer_after_the_time_limit_closes_the_quiz(student):
    student.text("QUIZ ATT").text("B")
    student.app.services.clock.advance(minutes=29, seconds=59)
    student.text("B")  # within the 30 minutes: counted
    student.app.services.clock.advance(seconds=2)
    student.text("A")
    assert student.last == "Time is up for the Arms Trade Treaty quiz: 2 of 4 right."
    [attempt] = attempts(student.app)
    assert (attempt.status, attempt.score) == ("expired", 2)
    assert len(answers(student.app)) == 2  # the late third answer was not counted


@pytest.mark.parametrize(
    "text, reply, school, county",
    [
        ("SCHOOL Moi Girls Eldoret, Uasin Gishu", "Registered: Moi Girls Eldoret, Uasin Gishu.", "Moi Girls Eldoret",
         "Uasin Gishu"),
        ("shule  Alliance   High ,  22", "Registered: Alliance High, Kiambu.", "Alliance High", "Kiambu"),
        ("SCHOOL Moi Girls", "Text SCHOOL, your school's name, a comma and your county", None, None),
        ("SCHOOL Moi Girls, Atlantis", "Unknown county. Type its name or number 1-47. Text SCHOOL, your school's name",
         None, None),
        ("SCHOOL , Nairobi", "Please type your school's name. Text SCHOOL, your school's name, a comma", None, None),
    ],
)
def test_registering_a_school(student, text, reply, school, county):
    student.text(text)
    assert student.last.startswith(reply)
    with student.app.services.database.transaction() as session:
        subscriber = session.execute(select(Subscriber)).scalar_one()
        assert (subscriber.school, subscriber.county) == (school, county)


def test_a_school_is_registered_once(student):
    student.text("SCHOOL Moi Girls Eldoret, Uasin Gishu").text("SCHOOL Kenya High, Nairobi")
    assert student.last == "This number is already registered with Moi Girls Eldoret, Uasin Gishu."
