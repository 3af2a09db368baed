"""`flask flows check`: everything that can be wrong with the definitions, found before a caller does.

Unknown targets, unreachable screens, dead ends, missing translations, wrong action names or
parameters, unknown validators, any screen that would render over 182 characters, and any label
or name that, texted back, would read as an opt-out (checks/readings.py).
"""

import functools
import hashlib
from pathlib import Path

from sms_service.core.gsm7 import character_names, describe_text
from sms_service.domain.events import texts as event_texts
from sms_service.domain.messaging.kinds import PURPOSES
from sms_service.domain.programmes.texts import LONGEST_FIELDS as PROGRAMME_FIELDS
from sms_service.engine.actions import ACTIONS
from sms_service.engine.checks.quizzes import check_quiz_book
from sms_service.engine.checks.readings import check_opt_out_readings
from sms_service.engine.flows.definitions import (
    CATALOG_FILE,
    PETITION_PAGE_FILE,
    PETITION_PAGE_TEXTS,
    SAVED_REPLIES_FILE,
    SMS_KEYWORDS_FILE,
    USSD_MENU_FILE,
    USSD_MESSAGES_FILE,
    FlowDefinitionError,
    Problem,
)
from sms_service.engine.flows.reading import load_flow_book
from sms_service.engine.flows.templates import template_fields
from sms_service.engine.flows.validators import NAME_MAX_LENGTH, VALIDATORS
from sms_service.engine.sms import routes as sms_routes
from sms_service.engine.ussd.screens import (
    USSD_SCREEN_LIMIT,
    apology_text,
    error_keys,
    longest_catalogue_names,
    render_pages,
    with_reason,
)

ENGINE_MESSAGES = ("nav_back_home", "nav_more", "invalid_choice", "resume_prompt", "unavailable")


def check_flows(flows_path):
    """(book, problems) for the definitions under `flows_path`: problems is an empty list when
    sound, and book is None when unreadable.

    Remembered per process for the files' exact bytes (a hash of every file's path and content):
    reading and checking took 0.3 s of each create_app, and a test run builds thousands of apps on
    the one flows/ (measured: three quarters of the suite's CPU). Any change to any file reads and
    checks again, so the console's flows page and `flask flows check` always see the files as they are.
    """
    root = Path(flows_path)
    book, problems = _checked(str(root.resolve()), _fingerprint(root))
    return book, list(problems)


def _fingerprint(root):
    digest = hashlib.blake2b(digest_size=16)
    for path in sorted(found for found in root.rglob("*") if found.is_file()):
        digest.update(str(path.relative_to(root)).encode() + b"\0" + path.read_bytes() + b"\0")
    return digest.hexdigest()


@functools.lru_cache(maxsize=8)
def _checked(root, _fingerprint):
    book, problems = load_flow_book(root)
    if not problems:
        problems.extend(check_flow_book(book))
    return book, tuple(problems)


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
    problems += _check_petition_page(book)
    problems += _check_saved_replies(book)
    problems += check_quiz_book(book)
    if not problems:  # read with a sound grammar only
        problems += check_opt_out_readings(book)
    if not problems:  # measuring only makes sense once every reference resolves
        problems += _check_lengths(book)
    return problems


def _missing_languages(book, texts):
    return [language for language in book.languages if not texts.get(language)]


def _check_translations(book):
    problems = []
    if book.default_language not in book.languages:
        problems.append(Problem(CATALOG_FILE, None, f"default_language '{book.default_language}' is not one of the languages"))
    for language in book.languages:
        if not book.language_names.get(language):
            problems.append(Problem(CATALOG_FILE, None, f"language '{language}' has no name in language_names"))
    for kind, entries in (("topic", book.topics), ("petition", book.petitions), ("booklet", book.booklets)):
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


def _check_petition_page(book):
    """Each petition with a page has its text, and the page every word, in every language. A
    petition without text there has no public page (it is signed by phone only)."""
    page = book.petition_page
    problems = [Problem(PETITION_PAGE_FILE, None, f"text '{key}' is missing")
                for key in PETITION_PAGE_TEXTS if key not in page.texts]
    for kind, entries in (("petition", page.asks), ("text", page.texts)):
        for key, texts in entries.items():
            for language in _missing_languages(book, texts):
                problems.append(Problem(PETITION_PAGE_FILE, None, f"{kind} '{key}' has no {language} text"))
    for code in sorted(set(page.asks) - set(book.petitions)):
        problems.append(Problem(PETITION_PAGE_FILE, None, f"'{code}' is not a petition of {CATALOG_FILE}"))
    if "@" not in page.privacy_contact:
        problems.append(Problem(PETITION_PAGE_FILE, None, "'privacy_contact' must be an email address people can write to"))
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
    problems = []

    def problem(message):
        problems.append(Problem(SMS_KEYWORDS_FILE, None, message))

    sms = book.sms
    keywords = set(sms.keywords.values())
    for keyword in sorted(keywords - set(sms.routes)):
        problem(f"keyword '{keyword}' has no route (routes: what it does)")
    for keyword in sorted((set(sms.routes) - set(sms_routes.INTENT_ROUTES) | set(sms_routes.REQUIRED_KEYWORDS)) - keywords):
        problem(f"keyword '{keyword}' has no words")
    for keyword in sorted(set(sms_routes.INTENT_ROUTES) - set(sms.routes)):
        problem(f"route '{keyword}' is missing (texts read as {keyword} need a reply)")
    for keyword, route in sorted(sms.routes.items()):
        problems.extend(_check_route(book, keyword, route))
    for word, topic in sorted(sms.topics.items()):
        if topic not in book.topics:
            problem(f"topic word '{word}' names unknown topic '{topic}'")
    for word, booklet in sorted(sms.booklets.items()):
        if booklet not in book.booklets:
            problem(f"booklet word '{word}' names unknown booklet '{booklet}' (flows/catalog.yaml booklets)")
    for word, language in sorted(sms.languages.items()):
        if language not in book.languages:
            problem(f"language word '{word}' names unknown language '{language}'")
    for required in (sms_routes.UNKNOWN_REPLY, sms_routes.HELPLINES_REPLY):
        if required not in sms.replies:
            problem(f"reply '{required}' is missing")
    longest = {"name": "W" * NAME_MAX_LENGTH, **PROGRAMME_FIELDS, "school": VALIDATORS["school"].longest_value,
               "county": VALIDATORS["county"].longest_value, **event_texts.LONGEST}
    for route in sms.routes.values():  # what an action adds for its replies to show (MY DATA's fields)
        longest.update(ACTIONS[route.action].provides if route.action in ACTIONS else {})
    for key, texts in sorted(sms.replies.items()):
        for language in _missing_languages(book, texts):
            problem(f"reply '{key}' has no {language} text")
        for language, text in sorted(texts.items()):
            problems.extend(_check_sms_text(f"reply '{key}' ({language})", text, book, language, longest))
    return problems


def _check_saved_replies(book):
    """Each saved reply has every language's text, GSM-7, at most MAX_REPLY_SEGMENTS segments."""
    problems = []
    for key, saved in book.saved_replies.items():
        for language in _missing_languages(book, saved.texts):
            problems.append(Problem(SAVED_REPLIES_FILE, None, f"'{key}' has no {language} text"))
        for language, text in sorted(saved.texts.items()):
            report = describe_text(text)
            if not report.is_gsm7:
                shown = ", ".join(character_names(report.forcing_ucs2))
                problems.append(Problem(SAVED_REPLIES_FILE, None, f"'{key}' ({language}) would go UCS-2 because of {shown}"))
            elif report.segments > MAX_REPLY_SEGMENTS:
                problems.append(Problem(SAVED_REPLIES_FILE, None,
                                        f"'{key}' ({language}) is {report.segments} SMS segments (at most {MAX_REPLY_SEGMENTS})"))
    return problems


def _check_route(book, keyword, route):
    """A keyword's route names an action the SMS router can run, with the parameters the action
    takes, and a known reply for outcomes the action can have."""
    def problem(message):
        return Problem(SMS_KEYWORDS_FILE, None, f"route '{keyword}': {message}")

    if route.action not in sms_routes.HANDLERS:
        known = ", ".join(sorted(name for name in sms_routes.HANDLERS if name))
        return [problem(f"unknown action '{route.action}' (by SMS: {known})")]
    found = []
    action = ACTIONS.get(route.action)
    params = (action.params if action else frozenset()) - sms_routes.PARAMETERS_FROM_TEXT.get(route.action, set())
    for param in sorted(set(route.params) ^ params):
        found.append(problem(f"{route.action} takes {sorted(params) or 'no parameters'}, not '{param}'"))
    petition = route.params.get("petition")
    if petition is not None and petition not in book.petitions:
        found.append(problem(f"unknown petition '{petition}'"))
    if route.purpose not in PURPOSES:
        found.append(problem(f"unknown purpose '{route.purpose}' (known: {', '.join(PURPOSES)})"))
    if route.action in sms_routes.COMPOSED_REPLIES and route.replies:
        found.append(problem(f"{route.action} composes its replies from the quiz messages: give none"))
    outcomes = set(action.outcomes or ()) if action else set()
    outcomes |= sms_routes.READING_OUTCOMES.get(route.action, set())
    if route.action is None:
        outcomes |= set(book.topics)  # a reply-only route may answer the topic a text named
    for outcome, key in sorted(route.replies.items()):
        if outcome not in outcomes:
            found.append(problem(f"{route.action or 'a reply'} has no outcome '{outcome}' (outcomes: "
                                 f"{', '.join(sorted(outcomes))})"))
        if key not in book.sms.replies:
            found.append(problem(f"reply '{key}' is not among the replies"))
    return found


def _check_sms_text(what, text, book, language, longest):
    """An SMS text must stay GSM-7 and short, measured with the longest values it can carry."""
    values = dict(longest, topics=", ".join(names[language] for names in book.topics.values()),
                  topic=max((names[language] for names in book.topics.values()), key=len, default=""))
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
    if "booklet" in save and save["booklet"] not in book.booklets:
        problems.append(Problem(USSD_MENU_FILE, screen.name, f"unknown booklet '{save['booklet']}'"))
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
            if screen.name == book.start and len(pages) > 1:
                problems.append(Problem(USSD_MENU_FILE, screen.name, f"the start screen needs {len(pages)} {language} pages: "
                                        "it must fit one (people dial its options as shortcuts); shorten its labels"))
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

