"""What an inbound SMS asks for, and what it does: STOP, JOIN [topic], HELP, ATT <name>, LANG EN/SW,
QUIZ [name], SCHOOL <school>, <county>, and answers to a quiz question.

The first word decides (any case, punctuation ignored). STOP wins over everything, a quiz answer
included, even a short message that only mentions it ("pls stop"), and is confirmed once. A
suppressed number gets no reply to anything but JOIN. While a quiz is open, a text that reads
as an answer ("b", "(b)", "jibu b") answers it; anything else that is no keyword re-asks.
"""

from dataclasses import dataclass, field

from sms_service.campaigns import petitions, subscriptions
from sms_service.campaigns.subscribers import get_or_create_subscriber, set_language
from sms_service.campaigns.suppression import suppress
from sms_service.flows.definitions import keyword_form
from sms_service.flows.validators import VALIDATORS, Refused
from sms_service.quizzes import sms as quiz_sms
from sms_service.quizzes.answers import parse_answer
from sms_service.quizzes.attempts import open_attempt

KEYWORDS = ("stop", "join", "help", "att", "lang", "quiz", "school")
REPLY_KEYS = (
    "stop_confirmed", "joined", "unknown_topic", "help", "att_signed", "att_already_signed",
    "att_needs_name", "language_set", "unknown_language", "unknown",
)
STOP_MENTION_MAX_WORDS = 4
CHANNEL = "sms"


@dataclass(frozen=True)
class SmsReply:
    key: str
    values: dict = field(default_factory=dict)
    purpose: str = "reply"
    text: str | None = None  # composed elsewhere (quizzes); `key` then only names it


def _quiz_reply(text):
    return SmsReply("quiz", text=text) if text else None


@dataclass(frozen=True)
class Handled:
    outcome: str  # the keyword the text was read as, or "unknown"
    reply: SmsReply | None
    language: str


def read_keyword(sms_keywords, text):
    """(keyword or None, the rest of the text) for an inbound message."""
    words = text.split()
    if not words:
        return None, ""
    keyword = sms_keywords.keywords.get(keyword_form(words[0]))
    if keyword is not None:
        return keyword, text.strip()[len(words[0]):].strip()
    if len(words) <= STOP_MENTION_MAX_WORDS:
        if any(sms_keywords.keywords.get(keyword_form(word)) == "stop" for word in words):
            return "stop", text.strip()
    return None, text.strip()


def handle_text(session, book, phone, text, may_answer_unknown):
    """Act on one inbound text from `phone`; return what happened and the reply to send, if any.

    `may_answer_unknown()` says whether this number may get another "not understood" reply now
    (a rate limit, so that two auto-responders cannot talk to each other forever).
    """
    subscriber = get_or_create_subscriber(session, phone, book.default_language)
    language = subscriber.language
    keyword, rest = read_keyword(book.sms, text)

    if keyword == "stop":
        newly = suppress(session, phone, CHANNEL, language)
        reply = SmsReply("stop_confirmed", purpose="stop_confirmation") if newly else None
        return Handled("stop", reply, language)
    if keyword == "join":
        return Handled("join", _join(session, book, phone, rest, language), language)
    if subscriber.suppressed_at is not None:
        return Handled(keyword or "unknown", None, language)  # opted out: nothing but JOIN
    attempt = open_attempt(session, phone)
    choice = parse_answer(text) if attempt is not None and keyword is None else None
    if choice is not None:
        reply = quiz_sms.answer_by_sms(session, book, attempt, choice, language, bool(subscriber.school))
        return Handled("quiz_answer", _quiz_reply(reply), language)
    if keyword == "quiz":
        return Handled("quiz", _quiz_reply(quiz_sms.start_by_sms(session, book, phone, rest, language)), language)
    if keyword == "school":
        return Handled("school", _quiz_reply(quiz_sms.register_by_sms(session, book, phone, rest, language)), language)
    if keyword == "help":
        return Handled("help", SmsReply("help"), language)
    if keyword == "att":
        return Handled("att", _sign(session, phone, rest, language), language)
    if keyword == "lang":
        chosen = book.sms.languages.get(keyword_form(rest.split()[0])) if rest else None
        if chosen is None:
            return Handled("lang", SmsReply("unknown_language"), language)
        set_language(session, phone, chosen)
        return Handled("lang", SmsReply("language_set"), chosen)
    if not may_answer_unknown():
        return Handled("unknown", None, language)
    if attempt is not None:  # in a quiz: a short re-ask, not the general "not understood"
        return Handled("quiz_reask", _quiz_reply(quiz_sms.reask_by_sms(book, attempt, language)), language)
    return Handled("unknown", SmsReply("unknown"), language)


def _join(session, book, phone, rest, language):
    if rest:
        topic = book.sms.topics.get(keyword_form(rest.split()[0]))
        if topic is None:
            return SmsReply("unknown_topic")
        topics = [topic]
    else:
        topics = list(book.topics)
    for topic in topics:
        subscriptions.subscribe(
            session, phone=phone, topic=topic, consent=True, channel=CHANNEL, language=language
        )
    names = ", ".join(book.topics[topic][language] for topic in topics)
    return SmsReply("joined", {"topics": names})


def _sign(session, phone, rest, language):
    try:
        name = VALIDATORS["name"].parse(rest)
    except Refused:
        return SmsReply("att_needs_name")
    outcome = petitions.sign_petition(
        session, phone=phone, petition="att", full_name=name, county=None,
        consent=True, channel=CHANNEL, language=language,
    )
    if outcome == petitions.ALREADY_SIGNED:
        return SmsReply("att_already_signed")
    return SmsReply("att_signed", {"name": name})


def reply_text(book, reply, language):
    if reply.text is not None:
        return reply.text
    return book.sms.reply(reply.key, language).format(**reply.values)
