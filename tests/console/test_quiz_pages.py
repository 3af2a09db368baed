"""The console's quiz pages: results per question, school and county from quizzes taken through
the real USSD webhook, and an audited CSV export."""

import csv
import io
import re

from sqlalchemy import select

from sms_service.core.models import AuditEntry
from tests.ussd_phone import UssdPhone

QUIZZES = "8"


def take_quizzes(app):
    client = app.test_client()
    for number, school, choices in (("+254722400001", "Moi Girls Eldoret", "2212"),
                                    ("+254722400002", "=HYPERLINK(1)", "1111")):
        phone = UssdPhone(client, number)
        phone.dial().answer_all(QUIZZES, "4", school, "Nairobi").assert_see("Registered:")
        phone.dial().answer_all(QUIZZES, "1")
        for choice in choices:
            phone.answer_all(choice, "1")


def test_the_quiz_page_shows_each_question_and_the_standings(app, as_role):
    take_quizzes(app)
    page = as_role("viewer").get("/console/quizzes?quiz=att").get_data(as_text=True)
    assert "2 finished." in page and "Average score 2.50 of 4" in page
    first = page.split('aria-label="answers to question 1"')[1].split("</table>")[0]
    # Each option by its text, the right one marked, with how many chose it.
    assert '<tr><th scope="row">A. 1998 <span class="muted">(wrong, chosen most)</span></th>' in first
    assert ('<tr class="right"><th scope="row">B. December 2014 <span class="answer">(right answer)</span></th>'
            in first)
    assert re.findall(r'<td class="num">(\d+)</td>', first) == ["1", "1", "0"]
    assert '<span class="right-share">50% right</span> of 2 answers' in page
    assert 'wrong answer chosen most: <span class="most-wrong">A. 1998</span>' in page
    assert "<td>Moi Girls Eldoret, Nairobi</td>" in page and "<td>Nairobi</td>" in page
    assert "Export every attempt as CSV" not in page  # a viewer reads; exports are for editors
    assert as_role("viewer").get("/console/quizzes?quiz=football").status_code == 404


def test_the_quiz_export_is_audited_and_defuses_formulas(app, as_role):
    take_quizzes(app)
    client = as_role("editor")
    assert "Export every attempt as CSV" in client.get("/console/quizzes").get_data(as_text=True)
    rows = list(csv.DictReader(io.StringIO(client.get("/console/quizzes/att/export.csv").get_data(as_text=True))))
    assert [(r["phone"], r["school"], r["score"], r["q1"] + r["q2"] + r["q3"] + r["q4"]) for r in rows] == [
        ("+254722400001", "Moi Girls Eldoret", "4", "BBAB"), ("+254722400002", "'=HYPERLINK(1)", "1", "AAAA")]
    assert client.get("/console/quizzes/nope/export.csv").status_code == 404
    with app.services.database.transaction() as session:
        assert session.scalars(select(AuditEntry.subject).where(AuditEntry.action == "quizzes.export")).all() == ["quiz att"]
