"""Reading the YAML files under `flows/` into the plain objects of definitions.py.

Reading never stops at the first mistake: every problem found is collected with its file and
screen, so that `flask flows check` can list them all at once.
"""

import re
from pathlib import Path

import yaml
from yaml.constructor import ConstructorError

from sms_service.core.typed_text import keyword_form, words_of
from sms_service.engine.flows.definitions import (
    CATALOG_FILE,
    PETITION_PAGE_FILE,
    SAVED_REPLIES_FILE,
    SCREEN_TYPES,
    SMS_KEYWORDS_FILE,
    USSD_MENU_FILE,
    USSD_MESSAGES_FILE,
    FlowBook,
    IntentGrammar,
    Option,
    PetitionPageTexts,
    Problem,
    Route,
    SavedReply,
    Screen,
    SmsKeywords,
)
from sms_service.engine.flows.quiz_reading import read_quiz_book
from sms_service.engine.flows.quiz_screens import PREFIX, quiz_screens

# libyaml's parser where PyYAML was built with it: the pure-Python one took 0.2 s of every app
# built (create_app reads every file), most of a test run's CPU. Same documents; errors give the
# same line and column, without the quoted snippet.
_SAFE_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class FlowLoader(_SAFE_LOADER):
    """Refuses a key given twice (a second `home:` screen would silently replace the first), and
    reads booleans as YAML 1.2 does: only true and false. PyYAML's YAML 1.1 also reads a bare YES,
    NO, ON, OFF, Y or N as a boolean, which turned the join word YES into "TRUE"."""

    yaml_implicit_resolvers = {
        first: [(tag, pattern) for tag, pattern in resolvers if tag != "tag:yaml.org,2002:bool"]
        for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
    }

    def construct_mapping(self, node, deep=False):
        seen = set()
        for key_node, _ in node.value:
            key = self.construct_object(key_node, deep=True)
            if key in seen:
                raise ConstructorError(None, None, f"'{key}' is defined twice", key_node.start_mark)
            seen.add(key)
        return super().construct_mapping(node, deep)


FlowLoader.add_implicit_resolver("tag:yaml.org,2002:bool", re.compile(r"^(?:true|True|TRUE|false|False|FALSE)$"),
                                    list("tTfF"))


def parse_flow_yaml(text):
    """A flows file's data as the service reads it (FlowLoader): what tools editing flows use too."""
    return yaml.load(text, Loader=FlowLoader)


def load_flow_book(flows_path):
    """Read every definition file; return (book, problems). The book is None if unreadable."""
    root = Path(flows_path)
    problems = []

    def read(relative):
        path = root / relative
        try:
            with open(path, encoding="utf-8") as handle:
                data = yaml.load(handle, Loader=FlowLoader) or {}
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
    petition_page = read(PETITION_PAGE_FILE)
    saved_replies = read(SAVED_REPLIES_FILE)

    screens = {}
    raw_screens = menu.get("screens") or {}
    if not isinstance(raw_screens, dict):
        problems.append(Problem(USSD_MENU_FILE, None, "'screens' must be a mapping"))
        raw_screens = {}
    for name, raw in raw_screens.items():
        screen = _read_screen(str(name), raw, problems)
        if screen is not None:
            screens[screen.name] = screen

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
        language_names={str(code): str(name) for code, name in (catalog.get("language_names") or {}).items()},
        topics=dict(catalog.get("topics") or {}),
        petitions=dict(catalog.get("petitions") or {}),
        messages=dict(messages.get("messages") or {}),
        start=str(menu.get("start") or ""),
        screens=screens,
        sms=_read_sms_keywords(sms, problems),
        quizzes=quiz_book,
        petition_page=_read_petition_page(petition_page, problems),
        **_read_booklets(catalog.get("booklets"), problems),
        saved_replies=_read_saved_replies(saved_replies, problems),
    )
    return book, problems


def _read_booklets(raw, problems):
    """catalog.yaml `booklets`: {max_pupils, kinds: {code: {language: name}}}, or none at all."""
    if raw is None:
        return {}
    kinds = raw.get("kinds") if isinstance(raw, dict) else None
    max_pupils = raw.get("max_pupils") if isinstance(raw, dict) else None
    if not isinstance(kinds, dict) or not all(isinstance(names, dict) for names in kinds.values()) \
            or not isinstance(max_pupils, int) or isinstance(max_pupils, bool) or max_pupils < 1:
        problems.append(Problem(CATALOG_FILE, None, "'booklets' takes max_pupils (a whole number over 0) and "
                                                    "kinds (each booklet's name per language)"))
        return {}
    return {"booklets": {str(code): {str(lang): str(name) for lang, name in names.items()} for code, names in kinds.items()},
            "booklet_max_pupils": max_pupils}


def _read_petition_page(raw, problems):
    def texts_by_key(section):
        found = raw.get(section) or {}
        if not isinstance(found, dict) or not all(isinstance(texts, dict) for texts in found.values()):
            problems.append(Problem(PETITION_PAGE_FILE, None, f"'{section}' must map each name to its text per language"))
            return {}
        return {str(key): {str(language): str(text).strip() for language, text in texts.items()} for key, texts in found.items()}

    return PetitionPageTexts(asks=texts_by_key("asks"), texts=texts_by_key("texts"),
                             privacy_contact=str(raw.get("privacy_contact") or ""))


def _read_saved_replies(raw, problems):
    """{key: SavedReply} of `saved_replies:`, each with a title and a text per language."""
    found = raw.get("saved_replies") or {}
    if not isinstance(found, dict):
        problems.append(Problem(SAVED_REPLIES_FILE, None, "'saved_replies' must map each name to a title and texts"))
        return {}
    replies = {}
    for key, spec in found.items():
        texts = spec.get("texts") if isinstance(spec, dict) else None
        if not isinstance(spec, dict) or not spec.get("title") or not isinstance(texts, dict) or not texts:
            problems.append(Problem(SAVED_REPLIES_FILE, None, f"'{key}' needs a title and texts per language"))
            continue
        replies[str(key)] = SavedReply(str(key), str(spec["title"]),
                                       {str(language): str(text).strip() for language, text in texts.items()})
    return replies


def _read_sms_keywords(raw, problems):
    def word_map(section):
        mapping = {}
        for meaning, words in (raw.get(section) or {}).items():
            for word in words or []:
                if not isinstance(word, str):  # 1 or 2.5 in a list: a word is text, quoted if need be
                    problems.append(Problem(SMS_KEYWORDS_FILE, None,
                                            f"{section}: {meaning}: '{word}' is not text; quote it"))
                    continue
                form = keyword_form(word)
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
    topics = word_map("topics")
    return SmsKeywords(
        keywords=word_map("keywords"),
        topics=topics,
        languages=word_map("languages"),
        replies={key: {str(lang): str(text).strip() for lang, text in (texts or {}).items()}
                 for key, texts in replies.items()},
        routes=_read_routes(raw.get("routes"), problems),
        intent=_read_intent(raw.get("intent"), topics, problems),
        booklets=word_map("booklets"),
    )


INTENT_LISTS = ("opt_out_phrases", "filler", "negations", "negated_stops", "negation_bridges", "clause_breaks",
                "reversals", "interrogatives", "requests", "scopes", "list_words", "other_senses", "reversible",
                "danger_phrases", "danger_stems", "danger_verbs", "danger_passives", "danger_near_misses",
                "danger_commands", "my_data_phrases", "erase_words", "confirm_words")
INTENT_SINGLE_WORDS = ("filler", "negated_stops", "negation_bridges", "clause_breaks", "scopes", "list_words",
                       "other_senses", "reversible", "danger_stems", "danger_verbs", "danger_passives",
                       "danger_commands", "erase_words", "confirm_words")
DANGER_VERB_LISTS = ("danger_verbs", "danger_passives")  # read into danger_stems
DANGER_STEM_MIN_LETTERS = 4  # a shorter stem would be found inside too many harmless words
# Kiswahili (and Sheng) verbs take their tense and object as prefixes: a danger verb's root is a
# stem with a tense (or the habitual HU-, the infinitive KU-) and an object before it
# (a-ME-NI-piga, wa-NA-WA-piga, HU-M-piga, KU-M-piga, wa-ME-MU-ua, wa-KA-M-piga, ali-YE-M-piga);
# a passive root with a tense
# (ni-ME-pigwa, a-LI-uawa; not KU-: "kuteswa" is a slogan word). The bare root stays out
# ("piga kura", "choma nyama", "teka maji").
VERB_TENSES = ("ME", "LI", "NA", "TA", "HU", "KU", "KA", "SHA", "YE", "O")  # KA: and then; SHA: already; YE, O: who
VERB_OBJECTS = ("NI", "M", "MU", "MW", "WA", "TU")  # M before a consonant, MU and MW before a vowel (a-me-MU-ua)
PASSIVE_TENSES = ("ME", "LI", "NA", "TA", "HU", "KA", "SHA", "YE", "O")


def verb_stems(root):
    """The danger stems of an active verb root: every tense with every object ("PIGA" ->
    MENIPIGA, NAWAPIGA, HUMPIGA, KUMPIGA, ...)."""
    vowel = root[0] in "AEIOU"  # "MEMUA" would be in amemuambia (told him): M takes a vowel only as MU, MW
    return {tense + person + root for tense in VERB_TENSES for person in VERB_OBJECTS
            if not (person == "M" and vowel) and not (person == "MW" and not vowel)}


def passive_stems(root):
    """The danger stems of a passive root: every tense ("PIGWA" -> MEPIGWA, LIPIGWA, ...)."""
    return {tense + root for tense in PASSIVE_TENSES}


def _read_intent(raw, topic_words, problems):
    """The intent grammar of every language together; the topic words are campaign objects too."""
    def problem(message):
        problems.append(Problem(SMS_KEYWORDS_FILE, None, f"intent: {message}"))

    if not isinstance(raw, dict):
        problem("'intent' must map each language to its stop phrases, filler, negations and objects")
        return IntentGrammar()
    lists = {name: set() for name in INTENT_LISTS}
    danger_languages = {}  # phrase -> the languages listing it
    objects = {(word,): topic for word, topic in topic_words.items()}
    for language, spec in raw.items():
        if not isinstance(spec, dict) or set(spec) - set(INTENT_LISTS) - {"objects"}:
            problem(f"'{language}' takes {', '.join(INTENT_LISTS)} and objects")
            continue
        for name in INTENT_LISTS:
            for entry in spec.get(name) or []:
                phrase = tuple(words_of(str(entry)))
                if not phrase or (name in INTENT_SINGLE_WORDS and len(phrase) > 1):
                    problem(f"{language} {name}: '{entry}' must be {'one word' if phrase else 'words'}")
                    continue
                if name == "danger_stems" and len(phrase[0]) < DANGER_STEM_MIN_LETTERS:
                    problem(f"{language} danger_stems: '{entry}' is shorter than {DANGER_STEM_MIN_LETTERS} letters")
                    continue
                kept_as, found = name, [phrase]
                if name in DANGER_VERB_LISTS:  # kept as the stems they make
                    stems = verb_stems(phrase[0]) if name == "danger_verbs" else passive_stems(phrase[0])
                    kept_as, found = "danger_stems", [(stem,) for stem in sorted(stems)]
                for each in found:
                    lists[kept_as].add(each)
                    if kept_as in ("danger_phrases", "danger_stems"):
                        danger_languages.setdefault(each, set()).add(str(language))
        raw_objects = spec.get("objects") or {}
        if not isinstance(raw_objects, dict):
            problem(f"{language} objects must map each topic to its words")
            continue
        for topic, entries in raw_objects.items():
            for entry in entries or []:
                phrase = tuple(words_of(str(entry)))
                if phrase and objects.setdefault(phrase, str(topic)) != str(topic):
                    problem(f"object '{entry}' names both {objects[phrase]} and {topic}")
    # Single words are kept as words, phrases as tuples of words (IntentGrammar's fields).
    kept = {name: frozenset(word for (word,) in found) if name in INTENT_SINGLE_WORDS else frozenset(found)
            for name, found in lists.items() if name not in DANGER_VERB_LISTS}
    return IntentGrammar(**kept, objects=objects,
                         danger_languages={phrase: frozenset(languages) for phrase, languages in danger_languages.items()})


def _read_routes(raw, problems):
    def problem(message):
        problems.append(Problem(SMS_KEYWORDS_FILE, None, f"routes: {message}"))

    if not isinstance(raw, dict):
        problem("'routes' must map each keyword to what it does")
        return {}
    routes = {}
    for keyword, spec in raw.items():
        if not isinstance(spec, dict) or set(spec) - {"action", "with", "replies", "purpose"}:
            problem(f"'{keyword}' takes action, with, replies and purpose")
            continue
        replies = spec.get("replies") or {}
        if not isinstance(replies, dict):
            problem(f"'{keyword}' replies must map outcomes to reply keys")
            replies = {}
        routes[str(keyword)] = Route(
            action=spec.get("action"), params=_scalars(spec.get("with"), f"'{keyword}' with", problem),
            replies={str(outcome): str(key) for outcome, key in replies.items()},
            purpose=str(spec.get("purpose") or "reply"),
        )
    return routes


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
        typed_only=_flag(raw.get("typed_only", False), "typed_only", problem),
    )


def _flag(raw, what, problem):
    if not isinstance(raw, bool):
        problem(f"'{what}' is true or false")
        return False
    return raw


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
