"""Every message has a kind, and each kind its rules: when it may go, whether it draws on the
broadcast segment budget, which queue carries it. One table, used by the one send path
(sending.py), the outbox (replies and transactional messages) and the broadcast senders.

    reply          an answer to what the person just sent (STOP confirmations included): sent
                   first, at any hour, outside the broadcast budget
    transactional  quiz reminders and expiry, event reminders and notices: after
                   replies, inside TRANSACTIONAL_SEND_WINDOW (Nairobi time), STOP respected
    broadcast      inside BROADCAST_SEND_WINDOW unless urgent, on the shared segment budget,
                   STOP respected

A message's kind follows from its purpose (the stored `purpose` column), by PURPOSES.
"""

from dataclasses import dataclass
from enum import StrEnum


class MessageKind(StrEnum):
    REPLY = "reply"
    TRANSACTIONAL = "transactional"
    BROADCAST = "broadcast"


REPLY_QUEUE = "replies"  # listened to first by every worker: replies go before anything else
DEFAULT_QUEUE = "default"


@dataclass(frozen=True)
class KindRules:
    window_setting: str | None  # the configuration key of its send window; None: any hour
    uses_segment_budget: bool  # draws on the rate shared by every worker
    queue: str  # the RQ queue its sends travel on


RULES = {
    MessageKind.REPLY: KindRules(window_setting=None, uses_segment_budget=False, queue=REPLY_QUEUE),
    MessageKind.TRANSACTIONAL: KindRules(window_setting="TRANSACTIONAL_SEND_WINDOW", uses_segment_budget=False,
                                         queue=DEFAULT_QUEUE),
    MessageKind.BROADCAST: KindRules(window_setting="BROADCAST_SEND_WINDOW", uses_segment_budget=True,
                                     queue=DEFAULT_QUEUE),
}


@dataclass(frozen=True)
class Purpose:
    kind: MessageKind
    to_opted_out: bool = False  # may go to a number that texted STOP (only the confirmation of it)
    # Answers the message it replies to: on a premium shortcode it goes as a premium reply with
    # that message's linkId (README "Premium shortcodes"); everything else goes through the bulk
    # sender, so that nobody is billed for it.
    premium_reply: bool = False
    # May reach a number that opted out when it answers a text that number sent after opting out
    # (a staff answer in the conversations inbox), and only then (opted_out.py).
    answers_opted_out: bool = False


PURPOSES = {
    "reply": Purpose(MessageKind.REPLY, premium_reply=True),
    "stop_confirmation": Purpose(MessageKind.REPLY, to_opted_out=True),
    # "Done: erased" after MY DATA CONFIRM: the number is kept only until it is sent, then the
    # retention sweep blanks it (people/retention.py); it reaches a number that had opted out too.
    "erasure_confirmation": Purpose(MessageKind.REPLY, to_opted_out=True),
    # The answers to MY DATA, MY DATA ERASE and a confirmation asked for out of turn: a person's
    # rights of access and erasure (Data Protection Act 2019 s.26, s.40) outlast their STOP, so
    # these answer a text sent after opting out too, and only such a text.
    "data_request": Purpose(MessageKind.REPLY, answers_opted_out=True),
    # A staff answer from the conversations inbox, and the helplines sent at once for a danger text.
    "staff_reply": Purpose(MessageKind.REPLY, premium_reply=True, answers_opted_out=True),
    "helplines": Purpose(MessageKind.REPLY),
    "quiz_reminder": Purpose(MessageKind.TRANSACTIONAL),
    "quiz_expired": Purpose(MessageKind.TRANSACTIONAL),
    "event_reminder": Purpose(MessageKind.TRANSACTIONAL),  # the evening before, two hours before
    "event_notice": Purpose(MessageKind.TRANSACTIONAL),  # a change, a cancellation, a freed place
    # School programmes (domain/programmes/): a teacher's booklet request approved, declined or
    # dispatched; an essay competition's theme (to a USSD entrant), reminders and results.
    "booklet_update": Purpose(MessageKind.TRANSACTIONAL),
    "essay_theme": Purpose(MessageKind.TRANSACTIONAL),
    "essay_reminder": Purpose(MessageKind.TRANSACTIONAL),
    "essay_results": Purpose(MessageKind.TRANSACTIONAL),
    "broadcast": Purpose(MessageKind.BROADCAST),
}


def purpose_of(name):
    """The Purpose of a stored purpose name; KeyError for one no table row declares."""
    return PURPOSES[name]


def rules_for(purpose_name):
    return RULES[PURPOSES[purpose_name].kind]
