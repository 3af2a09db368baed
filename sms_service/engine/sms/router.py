"""What an inbound SMS does: one table (flows/sms/keywords.yaml `routes:`, each keyword to an
action of the one registry) and one order of precedence.

    1. an opt-out (STOP, "pls stop", "remove me": intent.py reads it, and tells it from a slogan
       such as "Stop torture!") wins over everything, a quiz answer included; it is confirmed once
    2. JOIN, which is also the only way back in after STOP, and MY DATA (ERASE, CONFIRM): a
       person's data rights outlast their opt-out
    3. nothing else reaches a number that opted out
    4. while a quiz is open, a text that reads as an answer ("b", "(b)", "jibu b") answers it
    5. any other keyword, or what intent.py read (LEAVE <topic>, support): its route
    6. anything else: a re-ask in a quiz, else "not understood", each rate-limited (as support
       replies are) so that two auto-responders cannot talk to each other for ever

Every text from a phone also updates its number's thread in the conversations inbox
(domain/conversations/threads.py). A danger text (intent.py: urgent) gets, besides whatever its
command answers, one discreet helpline reply: at most once a day per number, outside the "not
understood" limit, and never to a number that opted out (only staff may answer those).
"""

from dataclasses import dataclass

from sqlalchemy import exists, select

from sms_service.core.models import InboundMessage
from sms_service.core.typed_text import fold_to_gsm7
from sms_service.domain.campaigns.subscribers import get_or_create_subscriber
from sms_service.domain.conversations.threads import helplines_due, note_text
from sms_service.domain.messaging.inbound import NOT_A_PHONE, is_phone_sender
from sms_service.domain.messaging.outbox import queue_message
from sms_service.domain.people.erasure import ERASURE_CONFIRMATION
from sms_service.domain.quizzes.answers import parse_answer
from sms_service.domain.quizzes.attempts import open_attempt
from sms_service.engine.sms import routes
from sms_service.engine.sms.intent import MY_DATA, MY_DATA_CONFIRM, MY_DATA_ERASE, SUPPORT, URGENT, read_intent
from sms_service.engine.sms.routes import HELPLINES_REPLY, Reply, Request

# Read before anything else, in this order; every other keyword waits behind a quiz answer.
FIRST = routes.REQUIRED_KEYWORDS
# A person's requests about their own data, answered whether or not they opted out (Data
# Protection Act 2019 s.26, s.40): STOP ends campaign messages, not their rights.
DATA_REQUESTS = (MY_DATA, MY_DATA_ERASE, MY_DATA_CONFIRM)
# Replies to texts that asked for nothing (a slogan): rate-limited like "not understood", since an
# auto-responder that echoes the support reply back would otherwise be answered for ever.
UNASKED_REPLIES = (SUPPORT,)
ERASED_OUTCOME = "erased"  # what handle_inbound says when the text erased its own number (MY DATA CONFIRM)


@dataclass(frozen=True)
class Handled:
    outcome: str  # the keyword the text was read as, "quiz_answer", "quiz_reask", "urgent" or "unknown"
    reply: Reply | None
    language: str  # the language the reply is in
    opted_out: bool = False  # the sender had opted out (and this text did not bring them back)


def handle_text(session, book, phone, text, may_answer_unknown, now, intent=None, phone_keys=None):
    """Act on one inbound text from `phone` (E.164), at `now`; what happened, and the reply.

    `may_answer_unknown()` says whether this number may get another "not understood" reply now.
    `intent`: the text as intent.py read it, when the caller has read it already.
    `phone_keys`: services.phone_keys, which erasure (MY DATA CONFIRM) needs.
    """
    subscriber = get_or_create_subscriber(session, phone, book.default_language)
    language = subscriber.language
    intent = intent or read_intent(book.sms, text)  # a caller that read it already passes it
    keyword = intent.keyword

    def request(route):
        return Request(session, book, phone, language, intent.rest, route, now, topic=intent.topic,
                       phone_keys=phone_keys)

    def routed(name):
        route = book.sms.routes[name]
        reply = routes.HANDLERS[route.action](request(route), **route.params)
        return Handled(name, reply, (reply and reply.language) or language)

    if keyword in FIRST or keyword in DATA_REQUESTS:
        return routed(keyword)
    if subscriber.suppressed_at is not None:
        return Handled(keyword or "unknown", None, language, opted_out=True)  # opted out: nothing but JOIN
    attempt = open_attempt(session, phone)
    choice = parse_answer(text) if attempt is not None and keyword is None else None
    if choice is not None:
        return Handled("quiz_answer", routes.answer_quiz(request(None), attempt, choice, bool(subscriber.school)),
                       language)
    if keyword == URGENT:  # no command: the helplines (handle_inbound) and a person answer it
        return Handled(URGENT, None, language)
    if keyword in UNASKED_REPLIES and not may_answer_unknown():
        return Handled(keyword, None, language)
    if keyword is not None:
        return routed(keyword)
    if not may_answer_unknown():
        return Handled("unknown", None, language)
    if attempt is not None:  # in a quiz: a short re-ask, not the general "not understood"
        return Handled("quiz_reask", routes.reask(request(None), attempt), language)
    return Handled("unknown", Reply(routes.UNKNOWN_REPLY), language)


def is_stop(book, text):
    """True when `text` reads as STOP: the webhook then applies it in the transaction that stores it."""
    return read_intent(book.sms, text).keyword == "stop"


def handle_inbound(session, book, inbound, may_answer_unknown, now, phone_keys=None):
    """Act once on a stored InboundMessage row not handled yet, in the caller's transaction: mark
    it handled at `now`, note it in its thread and queue its replies; (outcome, [(outbound message
    id, purpose)] of the replies queued, in sending order: none, one, or a reply and the helplines).
    The outcome is ERASED_OUTCOME when the text erased its own number: then no thread is noted,
    and the caller deletes the number's Redis keys once this transaction commits.

    A JOIN that a later STOP of the same number has already overtaken (STOP is applied by the
    webhook itself, other texts by a worker afterwards) changes nothing: the person's last word
    stands, whatever order the two are handled in.
    """
    if not is_phone_sender(inbound.phone):  # a sender id or shortcode: never answered
        inbound.handled_at, inbound.outcome = now, NOT_A_PHONE
        return inbound.outcome, []
    intent = read_intent(book.sms, inbound.text)  # read once, here and in handle_text
    if intent.keyword == "join" and _stopped_later(session, inbound):
        inbound.handled_at, inbound.outcome = now, "join_before_stop"
        note_text(session, inbound.phone, inbound.outcome, intent.urgent, intent.topic, now)
        return inbound.outcome, []
    handled = handle_text(session, book, inbound.phone, inbound.text, may_answer_unknown=may_answer_unknown, now=now,
                          intent=intent, phone_keys=phone_keys)
    inbound.handled_at, inbound.outcome = now, handled.outcome
    replies = []
    if handled.reply is not None:
        text = reply_text(book, handled.reply, handled.language)
        replies.append(queue_message(session, inbound.phone, text, handled.reply.purpose, now, inbound.id))
    if replies and replies[0].purpose == ERASURE_CONFIRMATION:
        # The number was just erased: no thread for it again; the worker clears its Redis keys.
        return ERASED_OUTCOME, [(message.id, message.purpose) for message in replies]
    conversation = note_text(session, inbound.phone, handled.outcome, intent.urgent, intent.topic, now)
    if intent.urgent and not handled.opted_out and helplines_due(conversation, now):
        conversation.helplines_sent_at = now
        text = book.sms.reply(HELPLINES_REPLY, helplines_language(book, intent, handled.language))
        replies.append(queue_message(session, inbound.phone, text, "helplines", now, inbound.id))
    return handled.outcome, [(message.id, message.purpose) for message in replies]


def helplines_language(book, intent, language):
    """The language of the helplines reply to a danger text: that of its danger wording, when the
    wording found is listed under one language the replies are written in ("nimebakwa": sw, for
    a number saved as English); else `language`, the person's (wording of both, or only Sheng)."""
    written = intent.danger_languages & set(book.languages)
    return next(iter(written)) if len(written) == 1 else language


def _stopped_later(session, inbound):
    later = (InboundMessage.phone == inbound.phone) & (InboundMessage.id > inbound.id) & (InboundMessage.outcome == "stop")
    return session.scalar(select(exists().where(later)))


def reply_text(book, reply, language):
    """The text of `reply` in `language`, GSM-7 whatever it echoes of what was typed (a name, a
    school: core/typed_text.py `fold_to_gsm7`), so that a pasted ’ or an emoji never makes a
    reply UCS-2. The flows' own texts are GSM-7 already (`flows check`). A reply that says why a
    part of the text was refused (`Reply.refused`) starts with that reason, as USSD shows it."""
    reason = book.message(reply.refused, language) + " " if reply.refused else ""
    if reply.text is not None:
        return reason + fold_to_gsm7(reply.text)
    values = {name: fold_to_gsm7(value) if isinstance(value, str) else value for name, value in reply.values.items()}
    return reason + book.sms.reply(reply.key, language).format(**values)
