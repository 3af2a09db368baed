"""What staff see of a quiz: how many took it, how each question went (and which wrong answer
was most chosen), the standings per school and per county, and every attempt as CSV.

Only closed attempts (finished, or expired with what was answered) are scored and ranked;
open ones are counted as in progress.
"""

import csv
from collections import Counter
from dataclasses import dataclass

from sqlalchemy import func, select

from sms_service.core.csv_io import safe_cell
from sms_service.core.models import QuizAnswer, QuizAttempt, Subscriber
from sms_service.core.phone_numbers import not_a_test_number
from sms_service.domain.quizzes.attempts import FINAL

EXPORT_COLUMNS = ("attempt", "phone", "school", "county", "language", "channel", "status", "score", "questions",
                  "started_at_utc", "finished_at_utc")


@dataclass(frozen=True)
class QuestionResult:
    number: int
    text: str
    answered: int
    correct: int
    choices: dict  # letter -> how many chose it
    options: dict  # letter -> the option's text, in the language asked for
    answer: str
    most_chosen_wrong: str | None  # the wrong letter chosen most (ties: the first letter)

    @property
    def share_correct(self):
        return self.correct / self.answered if self.answered else 0.0


@dataclass(frozen=True)
class GroupResult:
    name: str  # a school ("Moi Girls Eldoret, Uasin Gishu") or a county
    takers: int
    average: float
    best: int


@dataclass(frozen=True)
class QuizResults:
    code: str
    name: str
    questions_count: int
    statuses: dict  # status -> attempts
    average: float  # over closed attempts
    questions: list
    schools: list  # best average first
    counties: list


def attempt_counts(session):
    """quiz code -> {status: attempts}, for every quiz in one query (lists and charts need no more)."""
    counts = {}
    for code, status, count in session.execute(
        select(QuizAttempt.quiz, QuizAttempt.status, func.count()).group_by(QuizAttempt.quiz, QuizAttempt.status)
    ):
        counts.setdefault(code, {})[status] = count
    return counts


def describe_counts(statuses, empty):
    """"3 finished, 1 open" (statuses in name order), or `empty`."""
    return ", ".join(f"{count} {status}" for status, count in sorted(statuses.items())) or empty


def quiz_results(session, quiz, language):
    statuses = dict(session.execute(
        select(QuizAttempt.status, func.count()).where(QuizAttempt.quiz == quiz.code).group_by(QuizAttempt.status)
    ).all())
    average = session.scalar(
        select(func.avg(QuizAttempt.score)).where(QuizAttempt.quiz == quiz.code, QuizAttempt.status.in_(FINAL))
    )
    return QuizResults(
        code=quiz.code, name=quiz.name[language], questions_count=len(quiz.questions), statuses=statuses,
        average=float(average or 0), questions=_questions(session, quiz, language),
        schools=_groups(session, quiz, (Subscriber.school_key, Subscriber.county), func.min(Subscriber.school)),
        counties=_groups(session, quiz, (Subscriber.county,)),
    )


def _questions(session, quiz, language):
    chosen = session.execute(
        select(QuizAnswer.question, QuizAnswer.choice, func.count())
        .join(QuizAttempt, QuizAttempt.id == QuizAnswer.attempt_id)
        .where(QuizAttempt.quiz == quiz.code)
        .group_by(QuizAnswer.question, QuizAnswer.choice)
    ).all()
    counts = {index: Counter() for index in range(len(quiz.questions))}
    for index, choice, count in chosen:
        if index in counts:
            counts[index][choice] += count
    results = []
    for index, question in enumerate(quiz.questions):
        choices = {letter: counts[index][letter] for letter in question.letters}
        wrong = [(count, -ord(letter), letter) for letter, count in choices.items() if letter != question.answer and count]
        results.append(QuestionResult(
            number=index + 1, text=question.text[language], answered=sum(choices.values()),
            correct=choices[question.answer], choices=choices, answer=question.answer,
            options={letter: option.get(language, "") for letter, option in zip(question.letters, question.options, strict=True)},
            most_chosen_wrong=max(wrong)[2] if wrong else None,
        ))
    return results


def _groups(session, quiz, columns, shown=None):
    """Standings of closed attempts grouped by `columns` of the student (registered ones only),
    named by `shown` in place of the first column (a school's form, grouped on its key)."""
    named = (shown if shown is not None else columns[0], *columns[1:])
    rows = session.execute(
        select(*named, func.count(), func.avg(QuizAttempt.score), func.max(QuizAttempt.score))
        .join(Subscriber, Subscriber.phone == QuizAttempt.phone)
        .where(QuizAttempt.quiz == quiz.code, QuizAttempt.status.in_(FINAL), columns[0].is_not(None))
        .group_by(*columns)
    ).all()
    groups = [
        GroupResult(name=", ".join(str(part) for part in row[:-3] if part), takers=row[-3],
                    average=float(row[-2]), best=row[-1])
        for row in rows
    ]
    return sorted(groups, key=lambda group: (-group.average, -group.takers, group.name))


def export_rows(session, quiz, test_prefix=""):
    """One row per attempt: who, where, how, the score, and the choice made for each question;
    none of the simulator's test numbers (starting `test_prefix`)."""
    answers = {}
    for attempt_id, question, choice in session.execute(
        select(QuizAnswer.attempt_id, QuizAnswer.question, QuizAnswer.choice)
        .join(QuizAttempt, QuizAttempt.id == QuizAnswer.attempt_id)
        .where(QuizAttempt.quiz == quiz.code)
    ):
        answers.setdefault(attempt_id, {})[question] = choice
    query = (
        select(QuizAttempt, Subscriber.school, Subscriber.county)
        .outerjoin(Subscriber, Subscriber.phone == QuizAttempt.phone)
        .where(QuizAttempt.quiz == quiz.code, not_a_test_number(QuizAttempt.phone, test_prefix))
        .order_by(QuizAttempt.id)
    )
    for attempt, school, county in session.execute(query):
        chosen = answers.get(attempt.id, {})
        yield [
            attempt.id, attempt.phone, school or "", county or "", attempt.language, attempt.channel, attempt.status,
            attempt.score, len(quiz.questions), _when(attempt.started_at), _when(attempt.finished_at),
            *(chosen.get(index, "") for index in range(len(quiz.questions))),
        ]


def export_header(quiz):
    return EXPORT_COLUMNS + tuple(f"q{number}" for number in range(1, len(quiz.questions) + 1))


def write_export(session, quiz, handle, test_prefix=""):
    """The CSV staff download: a header, then `export_rows`. Returns how many attempts it holds."""
    writer = csv.writer(handle)
    writer.writerow(export_header(quiz))
    written = 0
    for row in export_rows(session, quiz, test_prefix):
        writer.writerow([safe_cell(value) for value in row])
        written += 1
    return written


def _when(moment):
    return moment.strftime("%Y-%m-%d %H:%M:%S") if moment else ""
