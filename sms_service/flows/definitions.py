"""Menu definitions as data: reading the YAML files under `flows/` into plain objects.

Layout of the flows folder:
    catalog.yaml        languages, campaign topics, petitions
    ussd/messages.yaml  texts the USSD engine itself shows (navigation, errors, resume)
    ussd/menu.yaml      the USSD menu: a start screen and named screens
    sms/keywords.yaml   SMS keywords (with their aliases), topic and language words, replies
    quizzes/*.yaml      one quiz per file; quizzes/messages.yaml the quiz engine's texts
                        (each quiz also becomes USSD screens named quiz_..., see quizzes/ussd_screens.py)

Reading never stops at the first mistake: every problem found is collected with its file and
screen, so that `flask flows check` can list them all at once.
"""

from dataclasses import dataclass, field
from pathlib import Path

import yaml
from yaml.constructor import ConstructorError

CATALOG_FILE = "catalog.yaml"
USSD_MESSAGES_FILE = "ussd/messages.yaml"
USSD_MENU_FILE = "ussd/menu.yaml"
SMS_KEYWORDS_FILE = "sms/keywords.yaml"

SCREEN_TYPES = {
    # type: (required keys, optional keys)
    "menu": ({"text", "options"}, set()),
    "info": ({"text"}, {"options"}),
    "input": ({"text", "validate", "save_as", "next"}, set()),
    "action": ({"action", "outcomes"}, {"with"}),
    "end": ({"text"}, set()),
}


@dataclass(frozen=True)
class Problem:
    file: str
    screen: str | None  # or, with `kind` "question", a quiz question's number
    message: str
    kind: str = "screen"

    def __str__(self):
        where = f"{self.file}: {self.kind} '{self.screen}'" if self.screen else self.file
        return f"{where}: {self.message}"


class FlowDefinitionError(Exception):
    """The definitions are broken; the message lists every problem with file and screen."""

    def __init__(self, problems):
        self.problems = list(problems)
        listing = "\n".join(f"  {problem}" for problem in self.problems)
        super().__init__(f"{len(self.problems)} problem(s) in the flow definitions:\n{listing}")


@dataclass(frozen=True)
class Option:
    label: dict
    next: str
    save: dict = field(default_factory=dict)


@dataclass(frozen=True)
class Screen:
    name: str
    type: str
    text: dict = field(default_factory=dict)
    options: tuple = ()
    validate: str | None = None
    save_as: str | None = None
    next: str | None = None
    action: str | None = None
    params: dict = field(default_factory=dict)
    outcomes: dict = field(default_factory=dict)


@dataclass(frozen=True)
class SmsKeywords:
    """Words people text, each mapped (upper case, punctuation removed) to what it means."""

    keywords: dict  # word -> keyword ("STOP" -> "stop", "ACHA" -> "stop")
    topics: dict  # word -> topic code
    languages: dict  # word -> language code
    replies: dict  # reply key -> {language: text}

    def reply(self, key, language):
        return self.replies[key][language]


@dataclass(frozen=True)
class FlowBook:
    """Everything the channels need from `flows/`, read once at start-up."""

    languages: tuple
    default_language: str
    topics: dict  # topic code -> {language: name}
    petitions: dict  # petition code -> {language: title}
    messages: dict  # message key -> {language: text}
    start: str
    screens: dict  # name -> Screen
    sms: SmsKeywords = None
    quizzes: object = None  # a QuizBook (sms_service/quizzes/definitions.py)

    def message(self, key, language):
        return self.messages[key][language]


class _StrictLoader(yaml.SafeLoader):
    """Refuses a key given twice (a second `home:` screen would silently replace the first)."""

    def construct_mapping(self, node, deep=False):
        seen = set()
        for key_node, _ in node.value:
            key = self.construct_object(key_node, deep=True)
            if key in seen:
                raise ConstructorError(None, None, f"'{key}' is defined twice", key_node.start_mark)
            seen.add(key)
        return super().construct_mapping(node, deep)


def load_flow_book(flows_path):
    """Read every definition file; return (book, problems). The book is None if unreadable."""
    root = Path(flows_path)
    problems = []

    def read(relative):
        path = root / relative
        try:
            with open(path, encoding="utf-8") as handle:
                data = yaml.load(handle, Loader=_StrictLoader) or {}
        except FileNotFoundError:
            problems.append(Problem(relative, None, "file is missing"))
            return {}
        except yaml.YAMLError as error:
            problems.append(Problem(relative, None, f"not valid YAML: {error}"))
            return {}
        if not isinstance(data, dict):
            problems.append(Problem(relative, None, "must be a mapping at the top level"))
            return {}
        return data

    catalog = read(CATALOG_FILE)
    messages = read(USSD_MESSAGES_FILE)
    menu = read(USSD_MENU_FILE)
    sms = read(SMS_KEYWORDS_FILE)

    screens = {}
    raw_screens = menu.get("screens") or {}
    if not isinstance(raw_screens, dict):
        problems.append(Problem(USSD_MENU_FILE, None, "'screens' must be a mapping"))
        raw_screens = {}
    for name, raw in raw_screens.items():
        screen = _read_screen(str(name), raw, problems)
        if screen is not None:
            screens[screen.name] = screen

    # Imported here: the quiz modules build on this one's Problem, Screen and Option.
    from sms_service.quizzes.definitions import read_quiz_book
    from sms_service.quizzes.ussd_screens import PREFIX, quiz_screens

    quiz_book = read_quiz_book(root, read, problems)

    languages = catalog.get("languages") or ()
    if isinstance(languages, str) or not all(isinstance(language, str) for language in languages):
        problems.append(Problem(CATALOG_FILE, None, "'languages' must be a list such as [en, sw]"))
        languages = ()
    languages = tuple(languages)
    if not languages:
        problems.append(Problem(CATALOG_FILE, None, "'languages' must list at least one language"))
    for name in screens:
        if name.startswith(PREFIX):
            problems.append(Problem(USSD_MENU_FILE, name, f"names starting '{PREFIX}' are the quizzes' own"))
    screens.update(quiz_screens(quiz_book, languages))
    book = FlowBook(
        languages=languages,
        default_language=catalog.get("default_language") or (languages[0] if languages else ""),
        topics=dict(catalog.get("topics") or {}),
        petitions=dict(catalog.get("petitions") or {}),
        messages=dict(messages.get("messages") or {}),
        start=str(menu.get("start") or ""),
        screens=screens,
        sms=_read_sms_keywords(sms, problems),
        quizzes=quiz_book,
    )
    return book, problems


def keyword_form(word):
    """How a texted word is compared: upper case, letters and digits only ("stop." -> "STOP")."""
    return "".join(char for char in word.upper() if char.isalnum())


def _read_sms_keywords(raw, problems):
    def word_map(section):
        mapping = {}
        for meaning, words in (raw.get(section) or {}).items():
            for word in words or []:
                form = keyword_form(str(word))
                if form in mapping and mapping[form] != meaning:
                    problems.append(
                        Problem(SMS_KEYWORDS_FILE, None, f"{section}: '{word}' means both {mapping[form]} and {meaning}")
                    )
                mapping[form] = meaning
        return mapping

    replies = raw.get("replies") or {}
    if not isinstance(replies, dict):
        problems.append(Problem(SMS_KEYWORDS_FILE, None, "'replies' must be a mapping"))
        replies = {}
    return SmsKeywords(
        keywords=word_map("keywords"),
        topics=word_map("topics"),
        languages=word_map("languages"),
        replies={key: {str(lang): str(text).strip() for lang, text in (texts or {}).items()}
                 for key, texts in replies.items()},
    )


def _read_screen(name, raw, problems):
    def problem(message):
        problems.append(Problem(USSD_MENU_FILE, name, message))

    if not isinstance(raw, dict):
        problem("must be a mapping")
        return None
    screen_type = raw.get("type")
    if screen_type not in SCREEN_TYPES:
        problem(f"unknown type {screen_type!r} (expected one of {', '.join(sorted(SCREEN_TYPES))})")
        return None
    required, optional = SCREEN_TYPES[screen_type]
    keys = set(raw) - {"type"}
    for key in sorted(required - keys):
        problem(f"a {screen_type} screen needs '{key}'")
    for key in sorted(keys - required - optional):
        problem(f"'{key}' has no meaning on a {screen_type} screen")

    options = []
    raw_options = raw.get("options") or []
    if not isinstance(raw_options, list):
        problem("'options' must be a list")
        raw_options = []
    for index, raw_option in enumerate(raw_options, start=1):
        if not isinstance(raw_option, dict) or "label" not in raw_option or "next" not in raw_option:
            problem(f"option {index} needs a 'label' and a 'next'")
            continue
        options.append(
            Option(
                label=_texts(raw_option["label"], f"option {index} label", problem),
                next=str(raw_option["next"]),
                save=_scalars(raw_option.get("save"), f"option {index} 'save'", problem),
            )
        )
    if screen_type in ("menu",) and "options" in raw and not options:
        problem("a menu needs at least one option (dead end)")

    outcomes = raw.get("outcomes") or {}
    if not isinstance(outcomes, dict):
        problem("'outcomes' must map each outcome to a screen")
        outcomes = {}
    return Screen(
        name=name,
        type=screen_type,
        text=_texts(raw.get("text", {}), "text", problem) if "text" in raw else {},
        options=tuple(options),
        validate=raw.get("validate"),
        save_as=raw.get("save_as"),
        next=str(raw["next"]) if raw.get("next") is not None else None,
        action=raw.get("action"),
        params=_scalars(raw.get("with"), "'with'", problem),
        outcomes={str(key): str(value) for key, value in outcomes.items()},
    )


def _texts(raw, what, problem):
    if not isinstance(raw, dict) or not all(isinstance(text, str) for text in raw.values()):
        problem(f"{what} must map each language to a text")
        return {}
    return {str(language): text.strip() for language, text in raw.items()}


def _scalars(raw, what, problem):
    """A mapping of names to plain values (`save: {topic: torture}`, `with: {petition: att}`)."""
    if raw is None:
        return {}
    if not isinstance(raw, dict) or not all(isinstance(v, (str, int, bool)) for v in raw.values()):
        problem(f"{what} must map names to plain values, like {{topic: torture}}")
        return {}
    return {str(key): value for key, value in raw.items()}
