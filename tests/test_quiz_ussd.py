"""The same quizzes on the USSD menu: generated from the definitions, scored by the same rules,
and shared with SMS (a quiz started by text goes on by USSD where it stood)."""

import pytest
from sqlalchemy import select

from sms_service.core.models import QuizAnswer, QuizAttempt, Subscriber
from sms_service.engine.flows.reading import parse_flow_yaml
from tests.sms_phone import Texter
from tests.ussd_phone import UssdPhone

NUMBER = "+254722000222"
QUIZZES = "8"  # the home menu's last option


@pytest.fixture
def phone(app):
    return UssdPhone(app.test_client(), NUMBER)


def attempt_of(app, quiz="att"):
    with app.services.database.transaction() as session:
        return session.execute(select(QuizAttempt).where(QuizAttempt.quiz == quiz)).scalar()


def marked(app):
    with app.services.database.transaction() as session:
        return [(a.question, a.choice, a.correct, a.channel)
                for a in session.execute(select(QuizAnswer).order_by(QuizAnswer.id)).scalars()]


def test_a_whole_quiz_on_ussd(app, phone):
    phone.dial().answer(QUIZZES).assert_see(
        "Quizzes", "1. Arms Trade Treaty", "2. Consent and safety", "3. Stop torture", "4. Register your school")
    phone.answer("1").assert_continues().assert_see(
        "Q1/4 When did the Arms Trade Treaty (ATT) become binding", "1. 1998", "2. December 2014", "3. 2021")
    phone.answer("2").assert_see("Correct! The ATT became binding on 24 December 2014.", "1. Next")
    phone.answer("1").assert_see("Q2/4 What does the ATT regulate?")
    phone.answer("3").assert_see("Not quite: the answer is 2. It sets rules", "1. Next")
    phone.answer_all("1", "1", "1", "2", "1")  # Next, Q3: 1, Next, Q4: 2, Next
    phone.assert_ended().assert_see("3 of 4 right. You rank 1 of 1. Thank you!")
    attempt = attempt_of(app)
    assert (attempt.status, attempt.score, attempt.channel) == ("finished", 3, "ussd")
    assert marked(app) == [(0, "B", True, "ussd"), (1, "C", False, "ussd"), (2, "A", True, "ussd"),
                           (3, "B", True, "ussd")]


def test_going_back_to_an_answered_question_does_not_mark_it_again(app, phone):
    phone.dial().answer_all(QUIZZES, "1", "1").assert_see("Not quite: the answer is 2.")
    phone.answer("0").assert_see("Q1/4")  # Back to the question...
    phone.answer("2").assert_see("Q2/4 What does the ATT regulate?")  # ...answering again moves on
    assert marked(app) == [(0, "A", False, "ussd")]
    assert attempt_of(app).score == 0


def test_an_invalid_option_reshows_the_question(app, phone):
    phone.dial().answer_all(QUIZZES, "1", "7").assert_see("Invalid choice.", "Q1/4")
    assert marked(app) == []


def test_a_quiz_started_by_sms_goes_on_by_ussd(live_app, run_jobs):
    app = live_app()
    Texter(app, app.test_client(), run_jobs, number=NUMBER).text("QUIZ ATT").text("B")
    phone = UssdPhone(app.test_client(), NUMBER)
    phone.dial().answer_all(QUIZZES, "1").assert_see("Q2/4 What does the ATT regulate?")
    phone.answer("2").assert_see("Correct!")
    assert [m[3] for m in marked(app)] == ["sms", "ussd"]
    assert attempt_of(app).score == 2


def test_a_finished_quiz_shows_its_score_again(app, phone):
    phone.dial().answer_all(QUIZZES, "1", "2", "1", "2", "1", "1", "1", "2", "1").assert_see("4 of 4 right")
    phone.dial().answer_all(QUIZZES, "1").assert_ended().assert_see("4 of 4 right. You rank 1 of 1.")


def test_registering_a_school_on_ussd(app, phone):
    phone.dial().answer_all(QUIZZES, "4").assert_see("Type your school's name.")
    phone.answer("\u200b").assert_see("Please type your school's name.")
    phone.answer("Moi Girls Eldoret").assert_see("county")
    phone.answer("27").assert_ended().assert_see("Registered: Moi Girls Eldoret, Uasin Gishu.")
    phone.dial().answer_all(QUIZZES, "4", "Kenya High", "Nairobi").assert_see(
        "already registered with Moi Girls Eldoret, Uasin Gishu")
    with app.services.database.transaction() as session:
        subscriber = session.execute(select(Subscriber)).scalar_one()
        assert (subscriber.school, subscriber.county) == ("Moi Girls Eldoret", "Uasin Gishu")


def test_the_quiz_menu_in_kiswahili(app, phone):
    phone.dial().answer_all("6", "2")  # Language/Lugha -> Kiswahili
    phone.dial().answer(QUIZZES).assert_see("Chemsha bongo", "3. Komesha mateso", "4. Sajili shule yako")
    phone.answer("3").assert_see("S1/4 Je, Kenya inaweza", "2. Hapana, kamwe")


def test_a_quiz_that_lost_questions_while_open_closes_with_what_was_answered(make_app, tmp_path):
    import shutil

    import yaml

    from sms_service.core.config import PROJECT_ROOT
    from sms_service.engine.sms.router import handle_text, reply_text

    first = make_app()
    UssdPhone(first.test_client(), NUMBER).dial().answer_all(QUIZZES, "1", "2", "1", "2", "1").assert_see("Q3/4")
    shorter = tmp_path / "flows"
    shutil.copytree(PROJECT_ROOT / "flows", shorter)
    att = shorter / "quizzes" / "att.yaml"
    data = parse_flow_yaml(att.read_text())
    data["questions"] = data["questions"][:2]
    att.write_text(yaml.safe_dump(data, allow_unicode=True))
    app = make_app(FLOWS_PATH=str(shorter))
    book = app.services.flow_book
    with app.services.database.write_transaction() as session:
        handled = handle_text(session, book, attempt_of(app).phone, "B", lambda: True, app.services.clock.now())
        reply = reply_text(book, handled.reply, handled.language)
    assert reply == "Time is up for the Arms Trade Treaty quiz: 2 of 2 right."
    assert attempt_of(app).status == "expired"
    UssdPhone(app.test_client(), NUMBER).dial().answer_all(QUIZZES, "1").assert_ended().assert_see(
        "This quiz is closed: 2 of 2 right.")
