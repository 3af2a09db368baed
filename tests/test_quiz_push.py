"""Staff push a quiz to a group (a school, a festival list) through the broadcast machinery:
each recipient gets the first question and starts the quiz, and their answers are marked."""

import pytest
from sqlalchemy import select

from sms_service.core.models import QuizAttempt
from sms_service.domain.broadcasts.lifecycle import BroadcastError
from tests.broadcast_helpers import make_broadcast, send_now
from tests.sms_phone import Texter

OPENING_EN = "Arms Trade Treaty quiz (4 questions):\nQ1/4 When did the Arms Trade Treaty (ATT)"
OPENING_SW = "Chemsha bongo: Mkataba wa Silaha (maswali 4):\nS1/4 Mkataba wa Biashara ya Silaha (ATT)"


@pytest.fixture
def school(live_app, run_jobs):
    app = live_app()
    client = app.test_client()

    def student(number, school_name, language=None):
        texter = Texter(app, client, run_jobs, number=number)
        if language:
            texter.text(f"LANG {language}")
        return texter.text(f"SCHOOL {school_name}, Uasin Gishu")

    return app, student


def attempts(app):
    with app.services.database.transaction() as session:
        return {(a.phone, a.quiz): (a.status, a.channel) for a in session.execute(select(QuizAttempt)).scalars()}


def test_a_quiz_pushed_to_a_school_starts_it_for_each_student(school):
    app, student = school
    wanjiru = student("0722100001", "Moi Girls Eldoret")
    amina = student("0722100002", "Moi  Girls eldoret", language="SW")
    elsewhere = student("0722100003", "Kapsabet Boys")
    broadcast_id = make_broadcast(app, texts={}, quiz="att", school="moi girls eldoret", urgent=True)
    assert send_now(app, broadcast_id) == "drained"
    assert wanjiru.last.startswith(OPENING_EN)
    assert amina.last.startswith(OPENING_SW)
    assert not elsewhere.last.startswith(OPENING_EN)
    assert attempts(app) == {("+254722100001", "att"): ("open", "broadcast"),
                             ("+254722100002", "att"): ("open", "broadcast")}
    wanjiru.text("b")
    assert wanjiru.last.startswith("Correct! The ATT became binding on 24 December 2014.\nQ2/4")


def test_a_pushed_quiz_pauses_the_one_a_student_was_in(school):
    app, student = school
    wanjiru = student("0722100001", "Moi Girls Eldoret").text("QUIZ TORTURE")
    send_now(app, make_broadcast(app, texts={}, quiz="att", school="Moi Girls Eldoret", urgent=True))
    assert attempts(app) == {("+254722100001", "torture"): ("paused", "sms"),
                             ("+254722100001", "att"): ("open", "broadcast")}
    wanjiru.text("A")
    assert wanjiru.last.startswith("Not quite: the answer is B.")


def test_a_student_who_took_the_quiz_keeps_the_attempt_they_have(school):
    app, student = school
    wanjiru = student("0722100001", "Moi Girls Eldoret").text("QUIZ ATT").text("B")
    send_now(app, make_broadcast(app, texts={}, quiz="att", school="Moi Girls Eldoret", urgent=True))
    assert attempts(app) == {("+254722100001", "att"): ("open", "sms")}
    wanjiru.text("B")
    assert wanjiru.last.startswith("Correct! It sets rules")  # question 2, where the attempt stood


@pytest.mark.parametrize(
    "fields, refusal",
    [
        ({"quiz": "football", "topics": ["torture"]}, "no such quiz: football"),
        ({"quiz": "att", "topics": ["torture"], "texts": {"en": "Hi"}}, "give no text of your own"),
        ({"quiz": "att"}, "choose at least one topic, a school, or a CSV list"),
        ({"quiz": "att", "school": "Moi", "numbers": ["+254722100001"]}, "not both"),
    ],
)
def test_refused_quiz_broadcasts(app, fields, refusal):
    fields.setdefault("texts", {})
    with pytest.raises(BroadcastError, match=refusal):
        make_broadcast(app, **fields)
