"""Menu definitions as data: the plain objects the flows under `flows/` are read into (reading.py).

Layout of the flows folder:
    catalog.yaml        languages, campaign topics, petitions
    ussd/messages.yaml  texts the USSD engine itself shows (navigation, errors, resume)
    ussd/menu.yaml      the USSD menu: a start screen and named screens
    sms/keywords.yaml   SMS keywords (with their aliases), topic and language words, replies,
                        and the danger wording that makes a text urgent
    sms/saved_replies.yaml  staff's saved answers in the conversations inbox, per language
    quizzes/*.yaml      one quiz per file; quizzes/messages.yaml the quiz engine's texts
                        (each quiz also becomes USSD screens named quiz_..., see quiz_screens.py)
    web/petition.yaml   the public petition pages: what each petition asks, the page's words
"""

from dataclasses import dataclass, field
from functools import cached_property

CATALOG_FILE = "catalog.yaml"
USSD_MESSAGES_FILE = "ussd/messages.yaml"
USSD_MENU_FILE = "ussd/menu.yaml"
SMS_KEYWORDS_FILE = "sms/keywords.yaml"
SAVED_REPLIES_FILE = "sms/saved_replies.yaml"
PETITION_PAGE_FILE = "web/petition.yaml"

# The words the petition page (sms_service/web/petition/) shows: each in every language.
PETITION_PAGE_TEXTS = (
    "count_total", "count_ussd", "count_sms", "count_web", "count_web_note", "form_heading", "name_label", "name_hint",
    "country_label", "country_choose", "email_label", "email_hint", "consent_label", "privacy_link", "honeypot_label",
    "sign_button", "sending", "error_summary", "error_name", "error_country", "error_email", "error_consent",
    "error_honeypot", "error_busy", "error_unavailable", "thanks", "already", "share_heading", "share_line", "share_ussd", "back",
    "privacy_heading", "privacy_notice",
)

SCREEN_TYPES = {
    # type: (required keys, optional keys)
    "menu": ({"text", "options"}, {"typed_only"}),
    "info": ({"text"}, {"options"}),
    "input": ({"text", "validate", "save_as", "next"}, {"typed_only"}),
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
    # `typed_only: true`: the screen's answer must be typed on a hop of its own. A dial string's
    # shortcuts (*384*123*6*3*2*1#) stop at it, so a string passed around cannot answer it for
    # whoever dials (the erasure confirmation: it cannot be undone).
    typed_only: bool = False


@dataclass(frozen=True)
class Route:
    """What one SMS keyword does (flows/sms/keywords.yaml `routes:`)."""

    action: str | None  # an action of the one registry (engine/actions.py); None: a reply only
    params: dict  # what the action is given (`with:`), e.g. {"petition": "att"}
    replies: dict  # outcome -> reply key; an outcome without one gets no reply
    purpose: str = "reply"  # what kind of message the reply is (domain/messaging/kinds.py)


@dataclass(frozen=True)
class IntentGrammar:
    """How a text's intent is read (flows/sms/keywords.yaml `intent:`, every language together).

    Each phrase is a tuple of words in `keyword_form` ("remove me" -> ("REMOVE", "ME")).
    """

    opt_out_phrases: frozenset = frozenset()
    filler: frozenset = frozenset()  # single words
    negations: frozenset = frozenset()
    negated_stops: frozenset = frozenset()  # single words
    objects: dict = field(default_factory=dict)  # phrase -> topic code (the topic words included)
    # Danger wording (a text that makes its thread urgent): phrases matched as words in a row, and
    # stems matched inside a word (Kiswahili verb forms: "BAKWA" in nimebakwa, alibakwa, amebakwa).
    danger_phrases: frozenset = frozenset()
    danger_stems: frozenset = frozenset()  # single words
    # Where a danger stem means no danger: its first word is found inside a word (as a stem is),
    # the rest must follow as words ("PIGWA PICHA": nimepigwa picha, photographed; "TUPIGANE":
    # let us fight for, a slogan).
    danger_near_misses: frozenset = frozenset()
    # The keyword words that keep their command in a danger text ("HELP they are beating me"):
    # any other keyword word leading one is the first word of a sentence ("Teacher raped my daughter").
    danger_commands: frozenset = frozenset()  # single words
    # The languages each danger phrase or stem (as a one-word phrase) is listed under ("en", "sw",
    # "sheng"): the helplines go in the language of the danger wording a text used.
    danger_languages: dict = field(default_factory=dict)
    # People's own data: MY DATA (DATA YANGU) leads the text; ERASE (FUTA) or CONFIRM (THIBITISHA)
    # may follow it.
    my_data_phrases: frozenset = frozenset()
    erase_words: frozenset = frozenset()  # single words
    confirm_words: frozenset = frozenset()  # single words
    # How far a negation reaches: over words that only carry it on ("don't WANT YOU GUYS TO
    # remove me"), never past the end of its clause (a mark, or a word such as BUT, LAKINI).
    negation_bridges: frozenset = frozenset()  # single words
    clause_breaks: frozenset = frozenset()  # single words
    # After an opt-out phrase, what turns it round ("I don't want messages TO STOP", "Sitaki
    # ujumbe huu UKOME"): support, never an opt-out.
    reversals: frozenset = frozenset()
    # An opt-out phrase in a clause that asks (a "?" or one of these) is a question about
    # stopping, not a request: "Why did you stop sending?", "Nitoe ripoti wapi?".
    interrogatives: frozenset = frozenset()
    requests: frozenset = frozenset()  # a "?" after one of these still asks for it ("Can you remove me?")
    # A scope word after an opt-out phrase names what to leave: the list or the messages
    # themselves (`list_words`, filler) keep it an opt-out; a topic makes it a leave; anything
    # else ("from the event") is no opt-out.
    scopes: frozenset = frozenset()  # single words
    # Right after an opt-out phrase, a word that shows it means something else ("Nitoe RIPOTI":
    # let me give a report; "don't send me BACK"): no opt-out.
    other_senses: frozenset = frozenset()  # single words
    # Only a phrase holding one of these can be turned round by a reversal ("I don't WANT
    # messages to stop"); an order stays one ("Remove me to stop the spam").
    reversible: frozenset = frozenset()  # single words
    list_words: frozenset = frozenset()  # single words

    @cached_property
    def negation_carriers(self):
        """The words a negation reaches over however many: bridges and filler."""
        return self.negation_bridges | self.filler

    @cached_property
    def longest_phrase(self):
        return max((len(phrase) for phrase in (*self.opt_out_phrases, *self.negations, *self.objects,
                                               *self.danger_phrases, *self.my_data_phrases, *self.reversals,
                                               *self.interrogatives, *self.requests)),
                   default=1)


@dataclass(frozen=True)
class SmsKeywords:
    """Words people text, each mapped (upper case, punctuation removed) to what it means."""

    keywords: dict  # word -> keyword ("STOP" -> "stop", "ACHA" -> "stop")
    topics: dict  # word -> topic code
    languages: dict  # word -> language code
    replies: dict  # reply key -> {language: text}
    routes: dict = field(default_factory=dict)  # keyword -> Route
    intent: IntentGrammar = field(default_factory=IntentGrammar)
    booklets: dict = field(default_factory=dict)  # word -> booklet code (BOOKLET RAPE)

    def reply(self, key, language):
        return self.replies[key][language]


@dataclass(frozen=True)
class SavedReply:
    """A staff answer kept ready in the conversations inbox (flows/sms/saved_replies.yaml)."""

    key: str
    title: str  # what staff see in the list
    texts: dict  # language -> text


@dataclass(frozen=True)
class PetitionPageTexts:
    """What the public petition pages say (flows/web/petition.yaml)."""

    asks: dict  # petition code -> {language: what it asks, paragraphs split by blank lines}
    texts: dict  # key (PETITION_PAGE_TEXTS) -> {language: text}
    privacy_contact: str  # where people write to see or erase what is kept about them

    def text(self, key, language):
        return self.texts[key][language]


@dataclass(frozen=True)
class FlowBook:
    """Everything the channels need from `flows/`, read once at start-up."""

    languages: tuple
    default_language: str
    language_names: dict  # language code -> its name, as staff see it
    topics: dict  # topic code -> {language: name}
    petitions: dict  # petition code -> {language: title}
    messages: dict  # message key -> {language: text}
    start: str
    screens: dict  # name -> Screen
    sms: SmsKeywords = None
    quizzes: object = None  # a QuizBook (sms_service/domain/quizzes/definitions.py)
    petition_page: PetitionPageTexts = None
    booklets: dict = field(default_factory=dict)  # booklet code -> {language: name} (catalog.yaml)
    booklet_max_pupils: int = 0  # the most pupils one booklet request may ask for
    saved_replies: dict = field(default_factory=dict)  # key -> SavedReply, in the file's order

    def message(self, key, language):
        return self.messages[key][language]
