"""What `flask flows check` finds wrong with the quizzes: missing translations, a question without
exactly one right answer, texts that are not GSM-7 or would not fit, and (as warnings) SMS that
take more than one segment where one would do."""

from sms_service.core.gsm7 import SINGLE_SEGMENT, character_names, describe_text
from sms_service.domain.quizzes import texts
from sms_service.domain.quizzes.attempts import Standing
from sms_service.engine.flows.definitions import Problem
from sms_service.engine.flows.quiz_reading import QUIZ_MESSAGES_FILE

# Every message with the fields it is filled with (see texts.py and ussd_screens.py).
MESSAGE_FIELDS = {
    "list": {"quizzes", "example"}, "unknown": {"quizzes"}, "intro": {"name", "count"}, "resumed": {"name"},
    "question": {"number", "count"}, "correct": set(), "wrong": {"letter"}, "reask": {"letters", "number"},
    "finished": {"name", "score", "count", "rank", "takers"}, "register_hint": set(),
    "already_done": {"name", "score", "count", "rank", "takers"}, "reminder": {"name"},
    "expired": {"name", "score", "count", "rank", "takers"}, "school_registered": {"school", "county"},
    "school_already": {"school", "county"}, "school_needs": set(), "menu_title": set(),
    "register_label": set(), "booklets_label": set(), "essay_label": set(), "next_label": set(),
    "score_screen": {"quiz_score", "quiz_count", "quiz_rank", "quiz_takers"},
    "closed_screen": {"quiz_score", "quiz_count"},
}
MAX_SEGMENTS = 3  # feedback, then the next question, in one concatenated SMS
LONGEST = Standing(score=99, count=99, rank=999999, takers=999999)


def check_quiz_book(book):
    quiz_book = book.quizzes
    if quiz_book is None or not quiz_book.quizzes:
        return []
    problems = _check_messages(book)
    seen_words = {}
    for quiz in quiz_book.quizzes.values():
        problems += _check_quiz(book, quiz)
        for word in quiz.words + (quiz.code.upper(),):
            if seen_words.setdefault(word, quiz.code) != quiz.code:
                problems.append(Problem(quiz.file, None, f"QUIZ {word} names both {seen_words[word]} and {quiz.code}"))
    if not problems:  # measuring needs every text in place
        problems += _measure(book)[0]
    return problems


def quiz_warnings(book):
    """SMS that take more than one segment: allowed, but each costs more and may arrive split."""
    if book.quizzes is None or not book.quizzes.quizzes:
        return []
    return _measure(book)[1]


def _check_messages(book):
    problems = []
    for key, fields in MESSAGE_FIELDS.items():
        texts_by_language = book.quizzes.messages.get(key)
        if texts_by_language is None:
            problems.append(Problem(QUIZ_MESSAGES_FILE, None, f"message '{key}' is missing"))
            continue
        for language in book.languages:
            text = texts_by_language.get(language)
            if not text:
                problems.append(Problem(QUIZ_MESSAGES_FILE, None, f"message '{key}' has no {language} text"))
                continue
            try:
                text.format(**{field: "x" for field in fields})
            except (KeyError, IndexError, ValueError) as error:
                problems.append(Problem(QUIZ_MESSAGES_FILE, None, f"message '{key}' ({language}) has a bad placeholder: {error}"))
    return problems


def _check_quiz(book, quiz):
    problems = []

    def missing(texts_by_language, what, where=None):
        for language in book.languages:
            if not texts_by_language.get(language):
                problems.append(Problem(quiz.file, where, f"{what} has no {language} text", "question"))

    missing(quiz.name, "the quiz name")
    for number, question in enumerate(quiz.questions, 1):
        where = str(number)
        missing(question.text, "the question", where)
        missing(question.explanation, "the explanation", where)
        for letter, label in zip(question.letters, question.options, strict=True):
            missing(label, f"option {letter}", where)
    return problems


def _measure(book):
    """Each SMS a quiz sends, filled with its longest values: (problems, warnings). A problem if
    not GSM-7 or over MAX_SEGMENTS, a warning if over one segment."""
    found = ([], [])
    for language in book.languages:
        for quiz in book.quizzes.quizzes.values():
            for index in range(len(quiz.questions)):
                where = str(index + 1)
                _measure_sms(found, quiz.file, where, f"{language} prompt", texts.prompt(book, quiz, index, language))
                _measure_sms(found, quiz.file, where, f"{language} explanation",
                             texts.feedback(book, quiz, index, language, correct=False))
            _measure_sms(found, quiz.file, None, f"{language} opening", texts.opening(book, quiz, 0, language))
            _measure_sms(found, quiz.file, None, f"{language} result", texts.result(book, quiz, LONGEST, language))
    return found


def _measure_sms(found, file, where, what, text):
    problems, warnings = found
    report = describe_text(text)
    if not report.is_gsm7:
        shown = ", ".join(character_names(report.forcing_ucs2))
        problems.append(Problem(file, where, f"would go UCS-2 ({what}) because of {shown}", "question"))
    elif report.segments > MAX_SEGMENTS:
        problems.append(Problem(file, where, f"is over {MAX_SEGMENTS} SMS segments ({what}: {report.length} characters)",
                                "question"))
    elif report.segments > 1:
        warnings.append(Problem(file, where, f"takes {report.segments} SMS segments ({what}: {report.length} characters, "
                                             f"one holds {SINGLE_SEGMENT[report.encoding]})", "question"))
