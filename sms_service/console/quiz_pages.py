"""Quizzes: how each went (per question, per school, per county) and a CSV of every attempt.
The same figures as `flask quizzes results` and `export` (sms_service/quizzes/results.py)."""

from flask import abort, current_app, g, render_template, request

from sms_service import audit
from sms_service.console.blueprint import blueprint
from sms_service.console.csv_export import csv_response
from sms_service.console.roles import requires
from sms_service.quizzes.results import attempt_counts, describe_counts, export_header, export_rows, quiz_results


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
        counts = attempt_counts(session)
        results = quiz_results(session, found[chosen]) if chosen else None
    names = {code: quiz.name["en"] for code, quiz in found.items()}
    taken = [(names[code], sum(counts.get(code, {}).values())) for code in found]
    return render_template("console/quizzes.html", names=names, taken=taken, chosen=results,
                           describe_counts=describe_counts)


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
