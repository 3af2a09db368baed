"""The quizzes as USSD screens, made from the same definitions as the SMS quizzes.

Each quiz becomes ordinary screens the menu engine already knows, so paging, Back, Home and
`flask flows check`'s length checks all apply:

    quiz_<code>             action start_quiz: on to the question the attempt stands at
    quiz_<code>_<n>         menu: question n, its options numbered 1-4
    quiz_<code>_<n>_check   action answer_quiz: right, wrong, or (not the first answer) on
    quiz_<code>_<n>_right   info: "Correct!" and the explanation; 1 Next
    quiz_<code>_<n>_wrong   info: the right answer and the explanation; 1 Next
    quiz_<code>_finish      action finish_quiz: the score and rank, or closed
    quiz_<code>_score       end: score and rank
    quiz_<code>_closed      end: the attempt had expired
    quiz_menu               menu: every quiz, then "Register your school" (screen `school`),
                            then "Events" (screen `events`, flows/ussd/menu.yaml), then
                            "Teachers: register a school" (screen `teacher`, flows/ussd/menu.yaml),
                            then the school programmes (screens `booklets` and `essay`)
"""

from sms_service.engine.flows.definitions import Option, Screen
from sms_service.engine.flows.templates import fill_template

PREFIX = "quiz_"
MENU = "quiz_menu"
REGISTER_SCREEN = "school"
EVENTS_SCREEN = "events"
TEACHER_SCREEN = "teacher"
# The school programmes' screens (flows/ussd/menu.yaml), offered after the quizzes and the school
# registration, each with its label in flows/quizzes/messages.yaml.
PROGRAMME_SCREENS = (("booklets_label", "booklets"), ("essay_label", "essay"))
DONE = "done"  # start_quiz's and answer_quiz's outcome when the attempt has no question left


def question_screen(code, number):
    return f"{PREFIX}{code}_{number}"


def quiz_screens(quiz_book, languages):
    """name -> Screen for every quiz, plus the quiz menu (none at all without quizzes)."""
    screens = {}
    if not quiz_book.quizzes:
        return screens
    messages = quiz_book.messages

    def message(key, language, **values):
        text = messages.get(key, {}).get(language, "")
        try:  # fields it is not given ({quiz_score}) stay for the navigator to fill
            return fill_template(text, values)
        except ValueError:  # a stray brace: `flows check` reports it
            return text

    def each_language(make):
        return {language: make(language) for language in languages}

    for quiz in quiz_book.quizzes.values():
        code, count = quiz.code, len(quiz.questions)
        finish = f"{PREFIX}{code}_finish"
        where_it_stands = {str(n): question_screen(code, n) for n in range(1, count + 1)}
        where_it_stands[DONE] = finish
        screens[f"{PREFIX}{code}"] = Screen(
            name=f"{PREFIX}{code}", type="action", action="start_quiz", params={"quiz": code},
            outcomes=where_it_stands,
        )
        for number, question in enumerate(quiz.questions, 1):
            name = question_screen(code, number)
            following = question_screen(code, number + 1) if number < count else finish
            screens[name] = Screen(
                name=name, type="menu",
                text=each_language(lambda lang, number=number, question=question, count=count:
                                   f"{message('question', lang, number=number, count=count)} {question.text.get(lang, '')}"),
                options=tuple(
                    Option(label=label, next=f"{name}_check", save={"quiz_choice": letter})
                    for letter, label in zip(question.letters, question.options, strict=True)
                ),
            )
            screens[f"{name}_check"] = Screen(
                name=f"{name}_check", type="action", action="answer_quiz",
                params={"quiz": code, "question": number},
                outcomes={"right": f"{name}_right", "wrong": f"{name}_wrong", **where_it_stands},
            )
            next_option = (Option(label=each_language(lambda lang: message("next_label", lang)), next=following),)
            right_number = str(question.letters.index(question.answer) + 1)  # USSD numbers the options
            for verdict, heading in (
                ("right", lambda lang: message("correct", lang)),
                ("wrong", lambda lang, right_number=right_number: message("wrong", lang, letter=right_number)),
            ):
                screens[f"{name}_{verdict}"] = Screen(
                    name=f"{name}_{verdict}", type="info", options=next_option,
                    text=each_language(lambda lang, heading=heading, question=question:
                                       f"{heading(lang)} {question.explanation.get(lang, '')}"),
                )
        screens[finish] = Screen(
            name=finish, type="action", action="finish_quiz", params={"quiz": code},
            outcomes={"finished": f"{PREFIX}{code}_score", "closed": f"{PREFIX}{code}_closed"},
        )
        for outcome, key in (("score", "score_screen"), ("closed", "closed_screen")):
            screens[f"{PREFIX}{code}_{outcome}"] = Screen(
                name=f"{PREFIX}{code}_{outcome}", type="end", text=each_language(lambda lang, key=key: message(key, lang)),
            )
    screens[MENU] = Screen(
        name=MENU, type="menu", text=each_language(lambda lang: message("menu_title", lang)),
        options=tuple(
            Option(label=dict(quiz.name), next=f"{PREFIX}{quiz.code}") for quiz in quiz_book.quizzes.values()
        ) + (Option(label=each_language(lambda lang: message("register_label", lang)), next=REGISTER_SCREEN),
             Option(label=each_language(lambda lang: message("events_label", lang)), next=EVENTS_SCREEN),
             Option(label=each_language(lambda lang: message("teacher_label", lang)), next=TEACHER_SCREEN))
        + tuple(Option(label=each_language(lambda lang, key=key: message(key, lang)), next=screen)
                for key, screen in PROGRAMME_SCREENS),
    )
    return screens
