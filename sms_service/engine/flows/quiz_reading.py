"""Reading the quizzes in `flows/quizzes/`: every `<code>.yaml` is one quiz, `messages.yaml` the
texts the quiz engine sends and shows. Read into the domain's plain objects, every problem
collected with its file and question."""

from pathlib import Path

from sms_service.core.typed_text import keyword_form
from sms_service.domain.quizzes.definitions import LETTERS, MAX_OPTIONS, MIN_OPTIONS, Question, Quiz, QuizBook
from sms_service.engine.flows.definitions import Problem

QUIZ_FOLDER = "quizzes"
QUIZ_MESSAGES_FILE = f"{QUIZ_FOLDER}/messages.yaml"


def read_quiz_book(root, read, problems):
    """The quizzes under `root`/quizzes; `read(relative)` reads one YAML file, noting problems."""
    folder = Path(root) / QUIZ_FOLDER
    if not folder.is_dir():
        return QuizBook(quizzes={}, messages={})  # no quizzes: a service may run without them
    quizzes = {}
    for path in sorted(folder.glob("*.yaml")):
        relative = f"{QUIZ_FOLDER}/{path.name}"
        if relative == QUIZ_MESSAGES_FILE:
            continue
        quiz = _read_quiz(path.stem, relative, read(relative), problems)
        if quiz is not None:
            quizzes[quiz.code] = quiz
    messages = read(QUIZ_MESSAGES_FILE).get("messages") or {}
    if not isinstance(messages, dict):
        problems.append(Problem(QUIZ_MESSAGES_FILE, None, "'messages' must be a mapping"))
        messages = {}
    messages = {
        str(key): {str(language): str(text).strip() for language, text in (texts or {}).items()}
        for key, texts in messages.items()
    }
    return QuizBook(quizzes=quizzes, messages=messages)


def _read_quiz(code, file, raw, problems):
    def problem(message, where=None):
        problems.append(Problem(file, where, message, "question"))

    if not raw:
        return None
    name = _texts(raw.get("name"), "name", problem)
    words = raw.get("words") or []
    if not isinstance(words, list):
        problem("'words' must be a list, like [ATT, SILAHA]")
        words = []
    limit = raw.get("time_limit_minutes")
    if limit is not None and (not isinstance(limit, int) or isinstance(limit, bool) or limit <= 0):
        problem("'time_limit_minutes' must be a whole number of minutes above 0")
        limit = None
    raw_questions = raw.get("questions")
    if not isinstance(raw_questions, list) or not raw_questions:
        problem("a quiz needs a list of 'questions'")
        raw_questions = []
    questions = []
    for number, raw_question in enumerate(raw_questions, 1):
        question = _read_question(raw_question, str(number), problem)
        if question is not None:
            questions.append(question)
    return Quiz(
        code=code, file=file, name=name, words=tuple(keyword_form(str(word)) for word in words),
        questions=tuple(questions), time_limit_minutes=limit,
    )


def _read_question(raw, where, problem):
    if not isinstance(raw, dict):
        problem("must be a mapping with text, options, answer and explanation", where)
        return None
    unknown = sorted(set(raw) - {"text", "options", "answer", "explanation"})
    if unknown:
        problem(f"'{unknown[0]}' has no meaning in a question", where)
    options = raw.get("options")
    if not isinstance(options, list) or not MIN_OPTIONS <= len(options) <= MAX_OPTIONS:
        problem(f"needs {MIN_OPTIONS} to {MAX_OPTIONS} options", where)
        return None
    labels = tuple(_texts(option, f"option {LETTERS[i]}", lambda m: problem(m, where)) for i, option in enumerate(options))
    answer = str(raw.get("answer", "")).strip().upper()
    letters = LETTERS[: len(options)]
    if len(answer) != 1 or answer not in letters:
        # Exactly one right answer, named by its letter: "B", not "B, C" or "2".
        problem(f"'answer' must be one letter of {', '.join(letters)}, not {raw.get('answer')!r}", where)
        return None
    return Question(
        text=_texts(raw.get("text"), "text", lambda m: problem(m, where)),
        options=labels,
        answer=answer,
        explanation=_texts(raw.get("explanation"), "explanation", lambda m: problem(m, where)),
    )


def _texts(raw, what, problem):
    if not isinstance(raw, dict) or not all(isinstance(text, (str, int)) for text in raw.values()):
        problem(f"{what} must map each language to a text")
        return {}
    return {str(language): " ".join(str(text).split()) for language, text in raw.items()}
