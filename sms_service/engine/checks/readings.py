"""`flows check`: what the service shows people, read back as an SMS, must never opt them out.

Supporters text back what they see: a menu label ("Stop torture"), a topic or petition name, a
quiz option. Each is read by the one intent grammar (engine/sms/intent.py); one that would read
as an opt-out is a problem, named with its file and place.
"""

from sms_service.engine.flows.definitions import CATALOG_FILE, USSD_MENU_FILE, Problem
from sms_service.engine.sms.intent import reads_as_opt_out


def shown_texts(book):
    """(file, screen or None, what it is, {language: text}) of every label and name people see."""
    for screen in book.screens.values():
        if screen.name.startswith("quiz_"):  # generated from the quizzes: their options come below
            continue
        for number, option in enumerate(screen.options, 1):
            yield USSD_MENU_FILE, screen.name, f"option {number} label", option.label
    for kind, entries in (("topic", book.topics), ("petition", book.petitions)):
        for code, names in entries.items():
            yield CATALOG_FILE, None, f"{kind} '{code}' name", names or {}
    for quiz in (book.quizzes.quizzes.values() if book.quizzes else ()):
        yield quiz.file, None, f"quiz '{quiz.code}' name", quiz.name
        for number, question in enumerate(quiz.questions, 1):
            for letter, label in zip(question.letters, question.options, strict=True):
                yield quiz.file, None, f"question {number} option {letter}", label


def check_opt_out_readings(book):
    problems = []
    for file, screen, what, texts in shown_texts(book):
        for language, text in sorted(texts.items()):
            if isinstance(text, str) and reads_as_opt_out(book.sms, text):
                problems.append(Problem(file, screen, f"{what} ({language}) {text!r} would opt out whoever texts it "
                                                      "back (sms/keywords.yaml intent:); reword it or add its object"))
    return problems
