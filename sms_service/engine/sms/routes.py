"""What each action means by SMS: how the rest of a keyword's text becomes the action's answers,
and which reply follows each outcome. The actions themselves are the one registry the USSD menu
uses too (engine/actions.py); which keyword runs which action, with what, is data
(flows/sms/keywords.yaml `routes:`).

A route handler gets a Request and returns a Reply (a reply key of keywords.yaml with its values,
or a text composed from the quiz messages), or None for no reply.
"""

from dataclasses import dataclass, field, replace
from datetime import timedelta

from sqlalchemy import select

from sms_service.core.clock import as_utc
from sms_service.core.models import InboundMessage
from sms_service.core.typed_text import fold_to_gsm7, keyword_form, words_of
from sms_service.domain.campaigns.subscribers import get_or_create_subscriber
from sms_service.domain.events import registrations as event_registrations
from sms_service.domain.events import texts as event_texts
from sms_service.domain.people.erasure import ERASURE_CONFIRMATION
from sms_service.domain.programmes import booklets, essays
from sms_service.domain.quizzes import attempts, texts
from sms_service.domain.quizzes.attempts import ALREADY_DONE, EXPIRED, FINISHED, OPEN, STARTED
from sms_service.engine.actions import ACTIONS, ActionContext
from sms_service.engine.flows.validators import VALIDATORS, Refused
from sms_service.engine.people_actions import ERASED, MY_DATA_FIELDS
from sms_service.engine.sms.intent import MY_DATA, MY_DATA_CONFIRM, MY_DATA_ERASE

CHANNEL = "sms"
ERASURE_CONFIRM_MINUTES = 15  # MY DATA CONFIRM must follow MY DATA ERASE within this


@dataclass(frozen=True)
class Reply:
    key: str  # a reply of keywords.yaml, or "quiz" for a text composed from the quiz messages
    values: dict = field(default_factory=dict)
    purpose: str = "reply"  # messaging/kinds.py PURPOSES: "stop_confirmation" may reach an opted-out number
    text: str | None = None  # composed elsewhere (quizzes); `key` then only names it
    language: str | None = None  # the reply's language when the text changed it (LANG SW)
    # Why a part of the text was refused (a validator's message key, flows/ussd/messages.yaml,
    # the reason USSD shows too): said before the reply, so "SCHOOL Moi, Atlantis" hears that the
    # county is unknown instead of only the example again.
    refused: str | None = None


@dataclass
class Request:
    """One text being handled: who sent it, what its keyword's route says, what followed it."""

    session: object
    book: object
    phone: str
    language: str
    rest: str  # the text after the keyword
    route: object  # the keyword's Route (flows/sms/keywords.yaml), or None for a quiz answer
    now: object
    topic: str | None = None  # the topic the text named, as intent.py read it (support, LEAVE)
    phone_keys: object = None  # services.phone_keys, for the actions that need it (erasure)

    def run(self, action, answers=None, **params):
        """Run `action` of the one registry for this number; (outcome, the context it ran in)."""
        context = ActionContext(self.session, self.phone, self.language, CHANNEL, dict(answers or {}), self.book,
                                self.now, self.phone_keys)
        return ACTIONS[action].run(context, **params), context

    def reply(self, outcome, refused=None, **values):
        """The route's reply to `outcome` with its `values`; `refused`: a Refused said before it."""
        key = self.route.replies.get(outcome)
        reason = refused.message_key if refused else None
        return Reply(key, values, purpose=self.route.purpose, refused=reason) if key else None


def opt_out(request):
    outcome, _ = request.run("opt_out")
    return request.reply(outcome)


def reply_only(request):
    """A reply and nothing more: the one for the topic the text named, if the route has one."""
    return request.reply(request.topic) if request.topic in request.route.replies else request.reply("shown")


def leave_topic(request):
    """LEAVE <topic>: that topic's updates end; the others, and replies, go on."""
    if request.topic is None:
        return request.reply("unknown_topic")
    outcome, _ = request.run("leave_topic", {"topic": request.topic})
    return request.reply(outcome, topic=request.book.topics[request.topic][request.language])


def subscribe(request):
    """JOIN [topic]: one topic by its word, or every topic."""
    book = request.book
    if request.rest:
        topic = book.sms.topics.get(_first_word(request.rest))
        if topic is None:
            return request.reply("unknown_topic")
        topics = [topic]
    else:
        topics = list(book.topics)
    outcomes = [request.run("subscribe", {"topic": topic, "consent": True})[0] for topic in topics]
    names = ", ".join(book.topics[topic][request.language] for topic in topics)
    return request.reply(outcomes[-1], topics=names)


def _first_word(text):
    """The first word of `text` as keywords are compared (folded: "Mátéso" is MATESO), or None."""
    words = words_of(text)
    return words[0] if words else None


def sign_petition(request, petition):
    """ATT <name>: texting your name is your consent; an SMS signature has no county."""
    try:
        name = VALIDATORS["name"].parse(request.rest)
    except Refused:
        return request.reply("needs_name")
    outcome, _ = request.run("sign_petition", {"name": name, "county": None, "consent": True}, petition=petition)
    return request.reply(outcome, name=name)


def set_language(request):
    """LANG SW: the reply comes in the language chosen."""
    chosen = request.book.sms.languages.get(_first_word(request.rest))
    if chosen is None:
        return request.reply("unknown_language")
    outcome, context = request.run("set_language", {"language": chosen})
    reply = request.reply(outcome)
    return Reply(reply.key, reply.values, reply.purpose, language=context.language) if reply else None


def register_school(request):
    """SCHOOL <school>, <county>: once per number, for the leaderboards."""
    book = request.book
    try:
        registration = read_registration(request.rest)
    except Refused as refused:
        return _quiz_text(texts.fill(book, "school_needs", request.language), refused)
    if registration is None:
        return _quiz_text(texts.fill(book, "school_needs", request.language))
    school, county = registration
    outcome, context = request.run("register_school", {"school": school, "county": county})
    key = "school_registered" if outcome == "registered" else "school_already"
    return _quiz_text(texts.fill(book, key, request.language, school=context.answers["school"],
                                 county=context.answers["county"]))


def read_registration(text):
    """(school, county) from "Moi Girls Eldoret, Uasin Gishu"; None without the comma; Refused
    naming the part that is there but does not fit (an unknown county, a school of digits)."""
    if "," not in text:
        return None
    school_part, county_part = text.rsplit(",", 1)
    return VALIDATORS["school"].parse(school_part), VALIDATORS["county"].parse(county_part)


def request_booklets(request):
    """BOOKLET RAPE 120 Moi Girls, Nakuru, P.O. Box 45 Nakuru: booklet, pupils, school, county and
    delivery address; anything missing or unreadable gets the example."""
    book = request.book
    try:
        details = read_booklet_request(book, request.rest)
    except Refused as refused:
        return request.reply("needs_details", refused)
    if details is None:
        return request.reply("needs_details")
    outcome, context = request.run("request_booklets", details)
    if outcome == "too_many":
        return request.reply(outcome, max_pupils=book.booklet_max_pupils)
    shown = context.answers
    return request.reply(outcome, booklet=booklets.booklet_name(book, details["booklet"], request.language), pupils=shown["pupils"],
                         school=shown["school"], county=shown["county"])


def read_booklet_request(book, text):
    """{booklet, pupils, school, county, address} from "RAPE 120 Moi Girls, Nakuru, P.O. Box 45";
    None when a part is missing; Refused naming a school, county or address that does not fit."""
    parts = text.split(None, 2)
    if len(parts) < 3 or not parts[1].isdigit() or not parts[1].isascii():
        return None
    booklet = book.sms.booklets.get(_first_word(parts[0]) or "")
    place = parts[2].split(",", 2)
    if booklet is None or len(place) < 3:
        return None
    return {"booklet": booklet, "pupils": int(parts[1]), "school": VALIDATORS["school"].parse(place[0]),
            "county": VALIDATORS["county"].parse(place[1]), "address": VALIDATORS["address"].parse(place[2])}


def enter_essay(request):
    """ESSAY, or ESSAY Moi Girls, Nakuru for a number with no school yet: the reply is the theme,
    the deadline and how to submit."""
    registration = refused = None
    if request.rest:
        try:
            registration = read_registration(request.rest)
        except Refused as error:
            refused = error
    answers = {"school": registration[0], "county": registration[1]} if registration else {}
    outcome, _ = request.run("enter_essay", answers)
    competition = essays.find_open(request.session, request.now)
    if competition is None or outcome in ("needs_school", "school_not_registered"):
        return request.reply(outcome, refused if outcome == "needs_school" else None)
    shown = essays.fields(request.book, competition, request.language)
    return request.reply(outcome, **{name: fold_to_gsm7(value) for name, value in shown.items()})


def event(request):
    """EVENT: the next events (the person's county first); EVENT <code> [name]: a place (or the
    waiting list); EVENT LEAVE <code>: give it up. (Not CANCEL: a stop word.)"""
    words = request.rest.split()
    if not words:
        return _list_events(request)
    if request.book.sms.keywords.get(keyword_form(words[0])) == "leave":
        if len(words) < 2:
            return request.reply("leave_which")
        outcome, context = request.run("leave_event", {"event_code": words[1]})
        return request.reply(outcome, **_event_values(context, words[1]))
    name = request.rest[request.rest.index(words[0]) + len(words[0]):].strip()
    try:
        name = VALIDATORS["name"].parse(name) if name else None
    except Refused:
        name = None  # a name for the door only: a place is taken without it
    outcome, context = request.run("register_event", {"event_code": words[0], "name": name})
    return request.reply(outcome, **_event_values(context, words[0]))


def _event_values(context, typed_code):
    values = {"code": fold_to_gsm7(keyword_form(typed_code))[:8]}
    values.update({name: context.answers[name] for name in event_texts.LONGEST if name in context.answers})
    return values


def _list_events(request):
    county = get_or_create_subscriber(request.session, request.phone, request.language).county
    found = event_registrations.upcoming(request.session, county, request.now)
    if not found:
        return request.reply("no_events")
    return request.reply("listed", events=event_texts.listing(found, request.language), example=found[0].code)


def teacher(request):
    """TEACHER <school>, <county>, <your name>: a contact registers their school; TEACHER YES
    confirms, on the school's behalf, that students' guardians consented."""
    words = request.rest.split()
    if len(words) == 1 and _says_yes(words[0]):  # YES, NDIYO
        outcome, context = request.run("confirm_school_consent")
        return request.reply(outcome, **_school_values(context))
    parts = [part.strip() for part in request.rest.split(",")]
    if len(parts) != 3:
        return request.reply("needs_details")
    try:
        answers = {"school": VALIDATORS["school"].parse(parts[0]), "county": VALIDATORS["county"].parse(parts[1]),
                   "name": VALIDATORS["name"].parse(parts[2])}
    except Refused as refused:
        return request.reply("needs_details", refused)
    outcome, context = request.run("register_school_contact", answers)
    return request.reply(outcome, **_school_values(context))


def _says_yes(word):
    try:
        return VALIDATORS["yes_no"].parse(word) is True
    except Refused:
        return False


def _school_values(context):
    return {name: context.answers[name] for name in ("school", "county") if name in context.answers}


def start_quiz(request):
    """QUIZ [name]: the list, or the quiz's opening (or, taken already, its score)."""
    book, language = request.book, request.language
    quizzes = book.quizzes.quizzes
    if request.rest:
        quiz = book.quizzes.find(_first_word(request.rest) or "")
        if quiz is None:
            return _quiz_text(texts.fill(book, "unknown", language, quizzes=texts.quiz_list(book, language)))
    elif len(quizzes) == 1:
        [quiz] = quizzes.values()
    else:
        example = texts.label_word(next(iter(quizzes.values())))
        return _quiz_text(texts.fill(book, "list", language, quizzes=texts.quiz_list(book, language), example=example))
    _, context = request.run("start_quiz", quiz=quiz.code)
    how = context.answers["quiz_start"]
    attempt = attempts.find_attempt(request.session, quiz.code, request.phone)
    if how == ALREADY_DONE:
        return _quiz_text(_score(request, quiz, attempt, "already_done"))
    return _quiz_text(texts.opening(book, quiz, attempt.next_question, language, resumed=how != STARTED))


def answer_quiz(request, attempt, choice, registered):
    """A letter for the open attempt's question: the verdict and the next question, or the score."""
    book, language = request.book, request.language
    quiz = book.quizzes.quizzes.get(attempt.quiz)
    if quiz is None:  # the quiz was taken out of flows/ while this attempt was open
        attempts.expire(request.session, attempt.id, request.now)
        return None
    if not attempts.has_question_due(quiz, attempt):  # it lost questions while open: close it
        attempts.expire(request.session, attempt.id, request.now)
        request.session.refresh(attempt)
        return _quiz_text(_score(request, quiz, attempt, "expired"))
    index = attempt.next_question
    if choice not in quiz.questions[index].letters:
        return _quiz_text(texts.reask(book, quiz, index, language))
    outcome, _ = request.run("answer_quiz", {"quiz_choice": choice}, quiz=quiz.code, question=index + 1)
    request.session.refresh(attempt)
    if outcome not in ("right", "wrong"):  # not counted: the time limit passed, or another answer won
        if attempt.status == EXPIRED:
            return _quiz_text(_score(request, quiz, attempt, "expired"))
        if attempt.status == OPEN and attempts.has_question_due(quiz, attempt):
            return _quiz_text(texts.prompt(book, quiz, attempt.next_question, language))
        return _quiz_text(_score(request, quiz, attempt))
    reply = texts.feedback(book, quiz, index, language, outcome == "right")
    if attempt.status == FINISHED:
        reply += "\n" + _score(request, quiz, attempt)
        if not registered:
            reply += "\n" + texts.fill(book, "register_hint", language)
        return _quiz_text(reply)
    return _quiz_text(reply + "\n" + texts.prompt(book, quiz, attempt.next_question, language))


def reask(request, attempt):
    """Anything else during a quiz: a short re-ask of the question, not "not understood"."""
    quiz = request.book.quizzes.quizzes.get(attempt.quiz)
    if quiz is None or not attempts.has_question_due(quiz, attempt):
        return None  # nothing to ask; the next answer or the sweep closes it
    return _quiz_text(texts.reask(request.book, quiz, attempt.next_question, request.language))


def show_my_data(request):
    """MY DATA: what is kept about this number, and how to leave a topic or erase it all."""
    outcome, context = request.run("show_my_data")
    values = {name: context.answers[name] for name in MY_DATA_FIELDS}
    return request.reply(outcome, topics=values.pop("my_topics"), **values)


def confirm_erasure(request):
    """MY DATA CONFIRM: erases everything, if this number's text before it (within
    ERASURE_CONFIRM_MINUTES) was MY DATA ERASE; otherwise it says how to ask."""
    if not _erasure_asked(request):
        return request.reply("not_asked")
    outcome, _ = request.run("erase_my_data", {"erase": True})
    reply = request.reply(outcome)
    # Its own purpose: the router then keeps no thread, and the number goes once it is sent.
    return replace(reply, purpose=ERASURE_CONFIRMATION) if outcome == ERASED else reply


def _erasure_asked(request):
    last = request.session.execute(
        select(InboundMessage.outcome, InboundMessage.received_at)
        .where(InboundMessage.phone == request.phone, InboundMessage.handled_at.is_not(None))
        .order_by(InboundMessage.id.desc()).limit(1)
    ).first()
    return (last is not None and last.outcome == MY_DATA_ERASE
            and request.now - as_utc(last.received_at) <= timedelta(minutes=ERASURE_CONFIRM_MINUTES))


def _score(request, quiz, attempt, key="finished"):
    """The score and rank message `key` for a closed attempt."""
    return texts.result(request.book, quiz, attempts.standing(request.session, quiz, attempt), request.language, key)


def _quiz_text(text, refused=None):
    return Reply("quiz", text=text, refused=refused.message_key if refused else None) if text else None


# Outcomes a handler itself gives when the text cannot be read into the action's answers (or,
# with no action, the one outcome of a reply-only route); besides these, the action's own.
# (A reply-only route may also reply per topic code: the topic a text named.)
READING_OUTCOMES = {
    None: {"shown"},
    "leave_topic": {"unknown_topic"},
    "subscribe": {"unknown_topic"},
    "sign_petition": {"needs_name"},
    "set_language": {"unknown_language"},
    "register_event": {"listed", "no_events", "leave_which", "left", "not_registered"},
    "register_school_contact": {"needs_details", "confirmed", "nothing_to_confirm"},
    "request_booklets": {"needs_details"},
    "erase_my_data": {"not_asked"},
}
# Parameters a handler reads from the text itself (QUIZ ATT names the quiz); a route gives the rest.
PARAMETERS_FROM_TEXT = {"start_quiz": {"quiz"}}
# Routes whose replies are composed from the quiz messages, not chosen from keywords.yaml.
COMPOSED_REPLIES = {"register_school", "start_quiz"}
# The keywords the router itself names (router.py FIRST): every flows/ must route them.
REQUIRED_KEYWORDS = ("stop", "join")
# Routes intent.py reads from a whole text, not from a word: every flows/ must have them.
INTENT_ROUTES = ("support", MY_DATA, MY_DATA_ERASE, MY_DATA_CONFIRM)
UNKNOWN_REPLY = "unknown"  # the "not understood" reply
HELPLINES_REPLY = "helplines"  # the one reply to a danger text (router.py), at most once a day

# Each action of the registry, as an SMS keyword route runs it. A route with no action replies only.
HANDLERS = {
    None: reply_only,
    "opt_out": opt_out,
    "leave_topic": leave_topic,
    "subscribe": subscribe,
    "sign_petition": sign_petition,
    "set_language": set_language,
    "register_school": register_school,
    "start_quiz": start_quiz,
    "register_event": event,
    "register_school_contact": teacher,
    "request_booklets": request_booklets,
    "enter_essay": enter_essay,
    "show_my_data": show_my_data,
    "erase_my_data": confirm_erasure,
}
