"""What staff get from a quiz: results per question (with the wrong answer most chosen), per
school and county, and a CSV of every attempt, from quizzes taken through the real webhooks."""

import csv
import io

import pytest

from sms_service.domain.quizzes.results import quiz_results
from tests.ussd_phone import UssdPhone

QUIZZES = "8"
# number, school (typed on USSD), county, answers to the ATT quiz's four questions
STUDENTS = [
    ("+254722300001", "Moi Girls Eldoret", "Uasin Gishu", "2212"),  # 4 right (B B A B)
    ("+254722300002", "Moi Girls Eldoret", "27", "1211"),  # 2 right
    ("+254722300003", "=SUM(A1:A9)", "Nairobi", "1121"),  # 0 right; a school name that is a formula
    ("+254722300004", None, None, "2212"),  # 4 right, never registered a school
    ("+254722300005", None, None, "1"),  # still answering
]


@pytest.fixture
def taken(app):
    client = app.test_client()
    for number, school, county, choices in STUDENTS:
        phone = UssdPhone(client, number)
        if school:
            phone.dial().answer_all(QUIZZES, "4", school, county).assert_see("Registered:")
        phone.dial().answer_all(QUIZZES, "1")
        for choice in choices:
            phone.answer_all(choice, "1")  # the option, then Next
    return app


def results(app):
    book = app.services.flow_book
    with app.services.database.transaction() as session:
        return quiz_results(session, book.quizzes.quizzes["att"], book.default_language)


def test_results_per_question(taken):
    found = results(taken)
    assert found.statuses == {"finished": 4, "open": 1}
    assert found.average == pytest.approx(2.5)
    shown = [(q.number, q.answered, q.correct, q.choices, q.most_chosen_wrong) for q in found.questions]
    assert shown == [
        (1, 5, 2, {"A": 3, "B": 2, "C": 0}, "A"),
        (2, 4, 3, {"A": 1, "B": 3, "C": 0}, "A"),
        (3, 4, 3, {"A": 3, "B": 1}, "B"),
        (4, 4, 2, {"A": 2, "B": 2}, "A"),
    ]


def test_standings_per_school_and_county(taken):
    found = results(taken)
    assert [(g.name, g.takers, g.average, g.best) for g in found.schools] == [
        ("Moi Girls Eldoret, Uasin Gishu", 2, 3.0, 4),
        ("=SUM(A1:A9), Nairobi", 1, 0.0, 0),
    ]
    assert [(g.name, g.takers, g.average) for g in found.counties] == [("Uasin Gishu", 2, 3.0), ("Nairobi", 1, 0.0)]


def test_the_csv_export_has_every_attempt_and_no_formulas(taken):
    result = taken.test_cli_runner().invoke(args=["quizzes", "export", "att"])
    assert result.exit_code == 0, result.output
    rows = list(csv.DictReader(io.StringIO(result.stdout)))
    assert [(r["phone"], r["school"], r["status"], r["score"], r["q1"] + r["q2"] + r["q3"] + r["q4"]) for r in rows] == [
        ("+254722300001", "Moi Girls Eldoret", "finished", "4", "BBAB"),
        ("+254722300002", "Moi Girls Eldoret", "finished", "2", "ABAA"),
        ("+254722300003", "'=SUM(A1:A9)", "finished", "0", "AABA"),
        ("+254722300004", "", "finished", "4", "BBAB"),
        ("+254722300005", "", "open", "0", "A"),
    ]
    assert {r["channel"] for r in rows} == {"ussd"}


def test_the_results_command(taken, tmp_path):
    runner = taken.test_cli_runner()
    shown = runner.invoke(args=["quizzes", "results", "att"])
    assert shown.exit_code == 0, shown.output
    assert "attempts 4 finished, 1 open; average 2.50 of 4" in shown.output
    assert "Q1 40% right of 5 (answer B; A:3 B:2 C:0, most chosen wrong: A)" in shown.output
    assert "1. Moi Girls Eldoret, Uasin Gishu: average 3.00, best 4, 2 took it" in shown.output
    listed = runner.invoke(args=["quizzes", "list"])
    assert "att          4 questions  4 finished, 1 open  Arms Trade Treaty" in listed.output
    target = tmp_path / "att.csv"
    written = runner.invoke(args=["quizzes", "export", "att", "-o", str(target)])
    assert "5 attempts written" in written.output
    assert len(target.read_text().splitlines()) == 6


@pytest.mark.parametrize("args, message", [
    (["quizzes", "results", "football"], "no quiz 'football' (known: att, consent, torture)"),
    (["quizzes", "export", "nope"], "no quiz 'nope'"),
])
def test_unknown_quizzes_are_named(app, args, message):
    result = app.test_cli_runner().invoke(args=args)
    assert result.exit_code != 0 and message in result.output
