"""`flask flows check`: everything that can be wrong with the definitions, found before a caller does.

Unknown targets, unreachable screens, dead ends, missing translations, wrong action names or
parameters, unknown validators, and any screen that would render over 182 characters.
"""

from sms_service.campaigns.actions import ACTIONS
from sms_service.flows.definitions import (
    CATALOG_FILE,
    USSD_MENU_FILE,
    USSD_MESSAGES_FILE,
    SMS_KEYWORDS_FILE,
    FlowDefinitionError,
    Problem,
    load_flow_book,
)
from sms_service.flows.validators import NAME_MAX_LENGTH, VALIDATORS
from sms_service.quizzes.checks import check_quiz_book
from sms_service.sms.encoding import character_names, describe_text
from sms_service.ussd.screens import (
    USSD_SCREEN_LIMIT,
    apology_text,
    error_keys,
    longest_catalogue_names,
    render_pages,
    template_fields,
    with_reason,
)

ENGINE_MESSAGES = ("nav_back_home", "nav_more", "invalid_choice", "resume_prompt", "unavailable")


def check_flows(flows_path):
    """Every problem in the definitions under `flows_path` (an empty list when sound)."""
    book, problems = load_flow_book(flows_path)
    if not problems:
        problems.extend(check_flow_book(book))
    return book, problems


def load_checked_flows(flows_path):
    """The definitions, or FlowDefinitionError naming each problem's file and screen."""
    book, problems = check_flows(flows_path)
    if problems:
        raise FlowDefinitionError(problems)
    return book


def check_flow_book(book):
    problems = []
    problems += _check_translations(book)
    problems += _check_messages(book)
    problems += _check_graph(book)
    problems += _check_screens(book)
    problems += _check_sms(book)
    problems += check_quiz_book(book)
    if not problems:  # measuring only makes sense once every reference resolves
        problems += _check_lengths(book)
    return problems


def _missing_languages(book, texts):
    return [language for language in book.languages if not texts.get(language)]


def _check_translations(book):
    problems = []
    for kind, entries in (("topic", book.topics), ("petition", book.petitions)):
        for code, names in entries.items():
            for language in _missing_languages(book, names or {}):
                problems.append(Problem(CATALOG_FILE, None, f"{kind} '{code}' has no {language} name"))
    for key, texts in book.messages.items():
        for language in _missing_languages(book, texts or {}):
            problems.append(Problem(USSD_MESSAGES_FILE, None, f"message '{key}' has no {language} text"))
    for screen in book.screens.values():
        if screen.type != "action":
            for language in _missing_languages(book, screen.text):
                problems.append(Problem(USSD_MENU_FILE, screen.name, f"no {language} text"))
        for number, option in enumerate(screen.options, 1):
            for language in _missing_languages(book, option.label):
                problems.append(
                    Problem(USSD_MENU_FILE, screen.name, f"option {number} has no {language} label")
                )
    return problems


def _check_messages(book):
    needed = set(ENGINE_MESSAGES)
    needed |= {f"invalid_{s.validate}" for s in book.screens.values() if s.type == "input"}
    return [
        Problem(USSD_MESSAGES_FILE, None, f"message '{key}' is missing")
        for key in sorted(needed - set(book.messages))
    ]


def _targets(screen):
    targets = [option.next for option in screen.options]
    if screen.next:
        targets.append(screen.next)
    targets.extend(screen.outcomes.values())
    return targets


def _check_graph(book):
    if book.start not in book.screens:
        return [Problem(USSD_MENU_FILE, None, f"start screen '{book.start}' is not defined")]
    problems = []
    if book.screens[book.start].type not in ("menu", "info"):
        problems.append(Problem(USSD_MENU_FILE, book.start, "the start screen must be a menu or info screen"))
    for screen in book.screens.values():
        for target in _targets(screen):
            if target not in book.screens:
                problems.append(Problem(USSD_MENU_FILE, screen.name, f"unknown target '{target}'"))
    reached, waiting = {book.start}, [book.start]
    while waiting:
        for target in _targets(book.screens[waiting.pop()]):
            if target in book.screens and target not in reached:
                reached.add(target)
                waiting.append(target)
    for name in book.screens:
        if name not in reached:
            problems.append(Problem(USSD_MENU_FILE, name, f"unreachable from '{book.start}'"))
    return problems


def _check_screens(book):
    problems = []
    saved = {s.save_as for s in book.screens.values() if s.type == "input"}
    for screen in book.screens.values():
        for option in screen.options:
            saved |= set(option.save)
        if screen.type == "action" and screen.action in ACTIONS:
            saved |= set(ACTIONS[screen.action].provides)
    for screen in book.screens.values():
        def problem(message, screen=screen):
            problems.append(Problem(USSD_MENU_FILE, screen.name, message))

        if screen.type == "input" and screen.validate not in VALIDATORS:
            problem(f"unknown validator '{screen.validate}' (known: {', '.join(sorted(VALIDATORS))})")
        for option in screen.options:
            problems.extend(_check_saved_values(book, screen, option.save))
        if screen.type == "action":
            action = ACTIONS.get(screen.action)
            if action is None:
                problem(f"unknown action '{screen.action}' (known: {', '.join(sorted(ACTIONS))})")
                continue
            for outcome in sorted((action.outcomes or set()) - set(screen.outcomes)):
                problem(f"outcome '{outcome}' of {screen.action} leads nowhere (dead end)")
            for outcome in sorted(set(screen.outcomes) - (action.outcomes or set(screen.outcomes))):
                problem(f"{screen.action} has no outcome '{outcome}'")
            for param in sorted(set(screen.params) ^ action.params):
                problem(f"{screen.action} takes {sorted(action.params) or 'no parameters'}, not '{param}'")
            petition = screen.params.get("petition")
            if petition is not None and petition not in book.petitions:
                problem(f"unknown petition '{petition}'")
            for answer in sorted(action.answers - saved):
                problem(f"{screen.action} needs the answer '{answer}', which no screen asks for")
        for language, text in screen.text.items():
            try:
                fields = template_fields(text)
            except ValueError as error:
                problem(f"{language} text has a stray brace: {error}")
                continue
            for name in sorted(fields - saved - {"topic_name", "petition_name"}):
                problem(f"{language} text uses '{{{name}}}', which no screen asks for")
    return problems


MAX_REPLY_SEGMENTS = 2


def _check_sms(book):
    # Imported here: the keyword handler imports campaign logic, which imports flows.
    from sms_service.sms.keywords import KEYWORDS, REPLY_KEYS

    problems = []

    def problem(message):
        problems.append(Problem(SMS_KEYWORDS_FILE, None, message))

    sms = book.sms
    for word, keyword in sorted(sms.keywords.items()):
        if keyword not in KEYWORDS:
            problem(f"unknown keyword '{keyword}' (for '{word}'; known: {', '.join(KEYWORDS)})")
    for keyword in KEYWORDS:
        if keyword not in sms.keywords.values():
            problem(f"keyword '{keyword}' has no words")
    for word, topic in sorted(sms.topics.items()):
        if topic not in book.topics:
            problem(f"topic word '{word}' names unknown topic '{topic}'")
    for word, language in sorted(sms.languages.items()):
        if language not in book.languages:
            problem(f"language word '{word}' names unknown language '{language}'")
    for key in REPLY_KEYS:
        if key not in sms.replies:
            problem(f"reply '{key}' is missing")
    longest = {"name": "W" * NAME_MAX_LENGTH}
    for key, texts in sorted(sms.replies.items()):
        for language in _missing_languages(book, texts):
            problem(f"reply '{key}' has no {language} text")
        for language, text in sorted(texts.items()):
            problems.extend(_check_sms_text(f"reply '{key}' ({language})", text, book, language, longest))
    return problems


def _check_sms_text(what, text, book, language, longest):
    """An SMS text must stay GSM-7 and short, measured with the longest values it can carry."""
    values = dict(longest, topics=", ".join(names[language] for names in book.topics.values()))
    try:
        filled = text.format(**values)
    except (KeyError, IndexError, ValueError) as error:
        return [Problem(SMS_KEYWORDS_FILE, None, f"{what} has a bad placeholder: {error}")]
    report = describe_text(filled)
    if not report.is_gsm7:
        shown = ", ".join(character_names(report.forcing_ucs2))
        hint = f"; GSM-7 version: {report.gsm7_suggestion!r}" if report.gsm7_suggestion else ""
        return [Problem(SMS_KEYWORDS_FILE, None, f"{what} would go UCS-2 because of {shown}{hint}")]
    if report.segments > MAX_REPLY_SEGMENTS:
        return [Problem(SMS_KEYWORDS_FILE, None, f"{what} is {report.segments} SMS segments (at most {MAX_REPLY_SEGMENTS})")]
    return []


def _check_saved_values(book, screen, save):
    problems = []
    if "topic" in save and save["topic"] not in book.topics:
        problems.append(Problem(USSD_MENU_FILE, screen.name, f"unknown topic '{save['topic']}'"))
    if "language" in save and save["language"] not in book.languages:
        problems.append(Problem(USSD_MENU_FILE, screen.name, f"unknown language '{save['language']}'"))
    return problems


def _longest_values(book, language):
    values = longest_catalogue_names(book, language)
    for screen in book.screens.values():
        if screen.type == "input":
            values[screen.save_as] = VALIDATORS[screen.validate].longest_value
        if screen.type == "action":
            values.update(ACTIONS[screen.action].provides)
        for option in screen.options:
            for key, value in option.save.items():
                values.setdefault(key, str(value))
    return values


def _check_ussd_pages(screen_name, language, pages):
    """Every page must be GSM-7 (what basic phones show) and at most 182 GSM-7 characters."""
    for page in pages:
        report = describe_text(page)
        if not report.is_gsm7:
            shown = ", ".join(character_names(report.forcing_ucs2))
            return [Problem(USSD_MENU_FILE, screen_name, f"{language} screen has non-GSM-7 characters: {shown}")]
        if report.length > USSD_SCREEN_LIMIT:
            return [
                Problem(
                    USSD_MENU_FILE,
                    screen_name,
                    f"{language} screen is {report.length} characters (limit {USSD_SCREEN_LIMIT}): {page[:40]!r}...",
                )
            ]
    return []


def _check_lengths(book):
    problems = []
    for language in book.languages:
        values = _longest_values(book, language)
        for screen in book.screens.values():
            if screen.type == "action":
                continue
            pages = render_pages(book, screen, language, values, is_start=screen.name == book.start)
            shown = list(pages)
            for key in error_keys(screen):
                shown += [with_reason(book.message(key, language), page) for page in pages]
            problems.extend(_check_ussd_pages(screen.name, language, shown))
        prompt = book.message("resume_prompt", language)
        retry = with_reason(book.message("invalid_choice", language), prompt)
        if len(retry) > USSD_SCREEN_LIMIT:
            problems.append(
                Problem(USSD_MESSAGES_FILE, None, f"{language} resume prompt with its error is {len(retry)} characters")
            )
    apology = apology_text(book)
    if len(apology) > USSD_SCREEN_LIMIT:
        problems.append(
            Problem(USSD_MESSAGES_FILE, None, f"'unavailable' in all languages is {len(apology)} characters")
        )
    return problems

