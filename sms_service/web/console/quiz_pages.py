"""Quizzes: how each went (per question, per school, per county) and a CSV of every attempt.
The same figures as `flask quizzes results` and `export` (sms_service/domain/quizzes/results.py)."""

from flask import abort, current_app, g, render_template, request

from sms_service.domain import audit
from sms_service.domain.quizzes.results import attempt_counts, describe_counts, export_header, export_rows, quiz_results
from sms_service.web.console.blueprint import blueprint
from sms_service.web.console.csv_export import csv_response
from sms_service.web.console.roles import requires


def _quizzes():
    book = current_app.services.flow_book
    return book.quizzes.quizzes if book.quizzes else {}


@blueprint.get("/quizzes")
@requires("viewer")
def quizzes():
    found = _quizzes()
    chosen = request.args.get("quiz") or next(iter(found), "")
    if chosen and chosen not in found:
        abort(404, f"There is no quiz {chosen!r}.")
    with current_app.services.database.transaction() as session:
        counts = attempt_counts(session)
        language = current_app.services.flow_book.default_language
        results = quiz_results(session, found[chosen], language) if chosen else None
    names = {code: quiz.name[language] for code, quiz in found.items()}
    taken = [(names[code], sum(counts.get(code, {}).values())) for code in found]
    return render_template("console/quizzes.html", names=names, taken=taken, chosen=results,
                           describe_counts=describe_counts)


@blueprint.get("/quizzes/<quiz>/export.csv")
@requires("editor")
def export_quiz(quiz):
    definition = _quizzes().get(quiz)
    if definition is None:
        abort(404, f"There is no quiz {quiz!r}.")
    database = current_app.services.database
    with database.transaction() as session:
        audit.record(session, g.staff.username, "quizzes.export", f"quiz {quiz}")

    def rows():
        with database.transaction() as session:
            yield from export_rows(session, definition, current_app.config["SIMULATOR_PREFIX"])

    return csv_response(f"quiz-{quiz}.csv", export_header(definition), rows())
