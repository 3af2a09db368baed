"""What a quiz says by SMS: question prompts, feedback, lists. Shared by replies, reminders,
broadcast pushes and `flask flows check` (which measures them)."""


def fill(book, key, language, **values):
    return book.quizzes.message(key, language).format(**values)


def label_word(quiz):
    """The word students text after QUIZ to pick this quiz, as shown in lists."""
    return quiz.words[0] if quiz.words else quiz.code.upper()


def quiz_list(book, language):
    return ", ".join(f"{label_word(quiz)} ({quiz.name[language]})" for quiz in book.quizzes.quizzes.values())


def prompt(book, quiz, index, language):
    """Question `index` (0-based) with its lettered options: what a student answers."""
    question = quiz.questions[index]
    header = fill(book, "question", language, number=index + 1, count=len(quiz.questions))
    options = "\n".join(f"{letter}) {label[language]}" for letter, label in zip(question.letters, question.options, strict=True))
    return f"{header} {question.text[language]}\n{options}"


def feedback(book, quiz, index, language, correct, shown_answer=None):
    """"Correct! <explanation>" or "Not quite: the answer is B. <explanation>"."""
    question = quiz.questions[index]
    if correct:
        verdict = fill(book, "correct", language)
    else:
        verdict = fill(book, "wrong", language, letter=shown_answer or question.answer)
    return f"{verdict} {question.explanation[language]}"


def intro(book, quiz, language, resumed=False):
    if resumed:
        return fill(book, "resumed", language, name=quiz.name[language])
    return fill(book, "intro", language, name=quiz.name[language], count=len(quiz.questions))


def opening(book, quiz, index, language, resumed=False):
    """The first message of a quiz (or of a resumed one): a short intro and the question due."""
    return f"{intro(book, quiz, language, resumed)}\n{prompt(book, quiz, index, language)}"


def reask(book, quiz, index, language):
    letters = "/".join(quiz.questions[index].letters)  # "A/B/C": the same in every language
    return fill(book, "reask", language, letters=letters, number=index + 1)


def result(book, quiz, standing, language, key="finished"):
    return fill(book, key, language, name=quiz.name[language], score=standing.score, count=standing.count,
                rank=standing.rank, takers=standing.takers)
