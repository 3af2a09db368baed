"""`flask quizzes ...`: staff see how quizzes went and export every attempt as CSV."""

import sys

import click
from flask import current_app
from flask.cli import AppGroup

from sms_service.domain.quizzes.results import attempt_counts, describe_counts, quiz_results, write_export

quizzes_cli = AppGroup("quizzes", help="Quiz results and exports.")


def _quiz(code):
    book = current_app.services.flow_book
    quiz = book.quizzes.quizzes.get(code) if book.quizzes else None
    if quiz is None:
        known = ", ".join(book.quizzes.quizzes) if book.quizzes else "none"
        raise click.ClickException(f"no quiz {code!r} (known: {known})")
    return quiz


@quizzes_cli.command("list")
def list_quizzes():
    """Every quiz with how many took it."""
    book = current_app.services.flow_book
    with current_app.services.database.transaction() as session:
        counts = attempt_counts(session)
    for quiz in book.quizzes.quizzes.values():
        taken = describe_counts(counts.get(quiz.code, {}), "not taken yet")
        click.echo(f"{quiz.code:<12} {len(quiz.questions)} questions  {taken}  {quiz.name[book.default_language]}")


@quizzes_cli.command("results")
@click.argument("code")
def results(code):
    """How a quiz went: per question (and the wrong answer most chosen), per school, per county."""
    quiz = _quiz(code)
    with current_app.services.database.transaction() as session:
        found = quiz_results(session, quiz, current_app.services.flow_book.default_language)
    statuses = describe_counts(found.statuses, "none")
    click.echo(f"{found.name} ({found.code}): attempts {statuses}; average {found.average:.2f} of {found.questions_count}")
    for question in found.questions:
        choices = " ".join(f"{letter}:{count}" for letter, count in question.choices.items())
        wrong = f", most chosen wrong: {question.most_chosen_wrong}" if question.most_chosen_wrong else ""
        click.echo(f"  Q{question.number} {question.share_correct:.0%} right of {question.answered} "
                   f"(answer {question.answer}; {choices}{wrong})  {question.text}")
    for title, groups in (("schools", found.schools), ("counties", found.counties)):
        click.echo(f"{title}:" if groups else f"{title}: none registered yet")
        for rank, group in enumerate(groups, 1):
            click.echo(f"  {rank:>3}. {group.name}: average {group.average:.2f}, best {group.best}, {group.takers} took it")


@quizzes_cli.command("export")
@click.argument("code")
@click.option("--output", "-o", type=click.Path(dir_okay=False, writable=True), help="A file (default: standard output).")
def export(code, output):
    """Every attempt at a quiz as CSV: number, school, county, channel, status, score, each choice."""
    quiz = _quiz(code)
    with current_app.services.database.transaction() as session:
        if output:
            with open(output, "w", newline="", encoding="utf-8") as handle:
                written = write_export(session, quiz, handle, current_app.config["SIMULATOR_PREFIX"])
            click.echo(f"{written} attempts written to {output}", err=True)
        else:
            write_export(session, quiz, sys.stdout, current_app.config["SIMULATOR_PREFIX"])
