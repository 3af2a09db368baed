"""Quizzes: how each went (per question, per school, per county) and a CSV of every attempt.
The same figures as `flask quizzes results` and `export` (sms_service/quizzes/results.py)."""

from flask import abort, current_app, g, render_template, request

from sms_service import audit
from sms_service.console.blueprint import blueprint
from sms_service.console.csv_export import csv_response
from sms_service.console.roles import requires
from sms_service.quizzes.results import export_header, export_rows, quiz_results


def _quizzes():
    book = current_app.extensions["flow_book"]
    return book.quizzes.quizzes if book.quizzes else {}


@blueprint.get("/quizzes")
@requires("viewer")
def quizzes():
    found = _quizzes()
    chosen = request.args.get("quiz") or next(iter(found), "")
    if chosen and chosen not in found:
        abort(404, f"There is no quiz {chosen!r}.")
    with current_app.extensions["database"].transaction() as session:
        everything = {code: quiz_results(session, quiz) for code, quiz in found.items()}
    taken = [(results.name, sum(results.statuses.values())) for results in everything.values()]
    return render_template("console/quizzes.html", quizzes=everything, taken=taken, chosen=everything.get(chosen))


@blueprint.get("/quizzes/<quiz>/export.csv")
@requires("editor")
def export_quiz(quiz):
    definition = _quizzes().get(quiz)
    if definition is None:
        abort(404, f"There is no quiz {quiz!r}.")
    database = current_app.extensions["database"]
    with database.transaction() as session:
        audit.record(session, g.staff.username, "quizzes.export", f"quiz {quiz}")

    def rows():
        with database.transaction() as session:
            yield from export_rows(session, definition)

    return csv_response(f"quiz-{quiz}.csv", export_header(definition), rows())
