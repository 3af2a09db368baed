"""What a quiz is: its questions, their options and answers, and the texts the quiz engine sends.
Read from `flows/quizzes/` by engine/flows/quiz_reading.py."""

from dataclasses import dataclass

from sms_service.core.typed_text import keyword_form

LETTERS = "ABCD"
MIN_OPTIONS, MAX_OPTIONS = 2, 4


@dataclass(frozen=True)
class Question:
    text: dict  # language -> text
    options: tuple  # of {language: label}
    answer: str  # the right option's letter
    explanation: dict

    @property
    def letters(self):
        return LETTERS[: len(self.options)]


@dataclass(frozen=True)
class Quiz:
    code: str
    file: str
    name: dict
    words: tuple  # what follows QUIZ to pick it ("QUIZ ATT"), in keyword form
    questions: tuple
    time_limit_minutes: int | None = None


@dataclass(frozen=True)
class QuizBook:
    quizzes: dict  # code -> Quiz, in file name order
    messages: dict  # key -> {language: text}

    def message(self, key, language):
        return self.messages[key][language]

    def find(self, word):
        """The quiz a texted word names ("att", "Mateso"), or None."""
        form = keyword_form(word)
        for quiz in self.quizzes.values():
            if form == keyword_form(quiz.code) or form in quiz.words:
                return quiz
        return None
