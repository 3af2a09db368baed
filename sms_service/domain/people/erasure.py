"""Erasure on request (Kenya's Data Protection Act 2019, s. 40): everything kept about one number
goes, in one transaction, and only anonymous counts stay.

One eraser per table that holds something about a person, in ERASERS (table name -> function);
tests/test_erasure.py reads the SQLAlchemy metadata and fails when a table with a phone, name or
email column (or a foreign key to a table erased here) is in neither ERASERS nor
NOT_ABOUT_THE_PUBLIC. A new table: write `_erase_<table>(target)` returning how many rows it
changed, add it to ERASERS (before the tables its rows point to: they run in order), and
describe the table in docs/data-protection.md.

What "erased" means per table: rows about the person are deleted, except where a row is also a
count someone relies on (a broadcast's delivery figures, a petition's total, how many texts came
in): there the number, the text and the name are blanked and the row stays, anonymous.

A number that had opted out leaves its keyed hash (services.phone_keys) in the suppression list
(campaigns/suppression.py), so an erased person who said STOP still gets nothing.
"""

from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import delete, select, update

from sms_service.core.models import (
    BroadcastListNumber,
    Consent,
    Conversation,
    ConversationEntry,
    InboundMessage,
    OutboundMessage,
    PetitionSignature,
    QuizAnswer,
    QuizAttempt,
    Subscriber,
    Subscription,
    UssdJourney,
)
from sms_service.domain import audit
from sms_service.domain.campaigns.suppression import keep_erased_opt_out
from sms_service.domain.events.registrations import erase_event_registrations
from sms_service.domain.messaging.statuses import SENDABLE, MessageStatus
from sms_service.domain.programmes import booklets, essays
from sms_service.domain.schools.registry import erase_school_contacts

ERASED = ""  # what an anonymised row keeps in place of a number, a text or a name
ERASURE_CONFIRMATION = "erasure_confirmation"  # the purpose of the "Done: erased" reply (messaging/kinds.py)
ERASED_REASON = "Erased"  # the failure reason of a message not sent because its number was erased


@dataclass
class ErasureTarget:
    """One number being erased: the session to do it in, the subscriber rows found for it."""

    session: object
    phone: str  # E.164
    now: datetime
    subscriber_ids: list = field(default_factory=list)
    phone_key: str | None = None  # services.phone_keys.key(phone): how analytics rows name it


@dataclass(frozen=True)
class ErasureReport:
    """What one erasure did: rows changed per table, Redis keys deleted, and whether the number's
    keyed hash was kept in the suppression list (it had opted out)."""

    rows: dict  # table name -> rows deleted or anonymised
    redis_keys: int
    kept_opt_out: bool

    @property
    def found_anything(self):
        return any(self.rows.values()) or self.redis_keys > 0


def _erase_conversation_entries(target):
    threads = select(Conversation.id).where(Conversation.phone == target.phone)
    return _deleted(target.session, delete(ConversationEntry).where(ConversationEntry.conversation_id.in_(threads)))


def _erase_conversations(target):
    return _deleted(target.session, delete(Conversation).where(Conversation.phone == target.phone))


def _erase_consents(target):
    return _deleted(target.session, delete(Consent).where(Consent.subscriber_id.in_(target.subscriber_ids)))


def _erase_subscriptions(target):
    return _deleted(target.session, delete(Subscription).where(Subscription.subscriber_id.in_(target.subscriber_ids)))


def _erase_petition_signatures(target):
    # The petition keeps its total (and the county and country of the signature): the name and
    # the link to the number go.
    return _deleted(target.session, update(PetitionSignature).where(PetitionSignature.subscriber_id.in_(target.subscriber_ids))
                    .values(subscriber_id=None, full_name=ERASED, fingerprint=None))


def _erase_quiz_answers(target):
    attempts = select(QuizAttempt.id).where(QuizAttempt.phone == target.phone)
    return _deleted(target.session, delete(QuizAnswer).where(QuizAnswer.attempt_id.in_(attempts)))


def _erase_quiz_attempts(target):
    return _deleted(target.session, delete(QuizAttempt).where(QuizAttempt.phone == target.phone))


def _erase_outbound_messages(target):
    session = target.session
    # Not sent yet: it never will be (a number being sent to right now keeps its in-flight status,
    # and loses its number and text all the same).
    session.execute(update(OutboundMessage).where(OutboundMessage.phone == target.phone,
                                                  OutboundMessage.status.in_(SENDABLE))
                    .values(status=MessageStatus.FAILED, failure_reason=ERASED_REASON, updated_at=target.now))
    return _deleted(session, update(OutboundMessage).where(OutboundMessage.phone == target.phone)
                    .values(phone=ERASED, text=ERASED))


def _erase_inbound_messages(target):
    session = target.session
    session.execute(update(InboundMessage).where(InboundMessage.phone == target.phone, InboundMessage.handled_at.is_(None))
                    .values(handled_at=target.now, outcome="erased"))
    # `outcome` (the keyword it was read as) and the times stay: how many texts of each kind came in.
    return _deleted(session, update(InboundMessage).where(InboundMessage.phone == target.phone)
                    .values(phone=ERASED, text=ERASED, link_id=None, network_code=None, sent_at=None))


def _erase_broadcast_list_numbers(target):
    return _deleted(target.session, delete(BroadcastListNumber).where(BroadcastListNumber.phone == target.phone))


def _erase_event_registrations(target):
    # A place, a waiting place, a name for the door, a check-in: all about the person (events/registrations.py).
    return erase_event_registrations(target.session, target.phone, target.now)


def _erase_schools(target):
    # The school stays (it is the school's record, with when consent was confirmed): the contact goes.
    return erase_school_contacts(target.session, target.phone)


def _erase_booklet_requests(target):
    # A teacher's requests: the school's address goes with them (it was kept to reach this teacher).
    return booklets.erase_phone(target.session, target.phone)


def _erase_essay_entrants(target):
    return essays.erase_phone(target.session, target.phone)


def _erase_ussd_journeys(target):
    # The journey stays as an anonymous count (screens and outcome); only its keyed number goes.
    return _deleted(target.session, update(UssdJourney).where(UssdJourney.phone_key == target.phone_key)
                    .values(phone_key=None))


def _erase_subscribers(target):
    return _deleted(target.session, delete(Subscriber).where(Subscriber.id.in_(target.subscriber_ids)))


# In order: rows that point at others go before the rows they point at.
ERASERS = {
    "conversation_entries": _erase_conversation_entries,  # staff notes: they may say anything about the person
    "conversations": _erase_conversations,
    "consents": _erase_consents,
    "subscriptions": _erase_subscriptions,
    "petition_signatures": _erase_petition_signatures,
    "quiz_answers": _erase_quiz_answers,
    "quiz_attempts": _erase_quiz_attempts,
    "outbound_messages": _erase_outbound_messages,
    "inbound_messages": _erase_inbound_messages,
    "broadcast_list_numbers": _erase_broadcast_list_numbers,
    "event_registrations": _erase_event_registrations,
    "schools": _erase_schools,
    "booklet_requests": _erase_booklet_requests,
    "essay_entrants": _erase_essay_entrants,
    "ussd_journeys": _erase_ussd_journeys,
    "subscribers": _erase_subscribers,
}

# Tables with a column named like personal data that is not about the people texting in: why.
NOT_ABOUT_THE_PUBLIC = {
    "broadcasts": "`name` is a campaign message's name, chosen by staff",
    "staff_accounts": "`username`: staff, whose accounts are switched off, never deleted (the audit log names them)",
    "subscriber_imports": "`imported_by` is a staff member, `filename` the CSV's name; the numbers are in subscribers",
    "essay_competitions": "`submit_email` is where essays go (the organisers' address), `created_by` a staff login; "
                          "the entrants are in essay_entrants",
}


def erase_person(database, redis, keys, phone, now, actor, channel):
    """Erase `phone` (E.164) everywhere and audit it (as `actor`, from `channel`: "console",
    "cli" or "sms"), with the number's pseudonym, never the number; returns an ErasureReport.

    The database in one transaction with its audit entry; Redis after it commits (its keys only
    live minutes to hours, and a retry of the erasure finds what is left).
    """
    with database.write_transaction() as session:
        rows, kept_opt_out = erase_and_audit(session, keys, phone, now, actor, channel)
    return ErasureReport(rows=rows, redis_keys=erase_redis_keys(redis, phone), kept_opt_out=kept_opt_out)


def erase_and_audit(session, keys, phone, now, actor, channel):
    """`erase_number` and its audit entry (the pseudonym, never the number), in `session`."""
    rows, kept_opt_out = erase_number(session, keys, phone, now)
    audit.record(session, actor, "people.erase", keys.pseudonym(phone), channel=channel,
                 rows={table: count for table, count in rows.items() if count}, kept_opt_out=kept_opt_out)
    return rows, kept_opt_out


def erase_number(session, keys, phone, now):
    """Erase the rows kept about `phone` in `session` (the caller commits); returns (rows changed
    per table, whether its keyed hash was kept as an opt-out). `keys`: services.phone_keys."""
    subscribers = session.execute(select(Subscriber.id, Subscriber.suppressed_at).where(Subscriber.phone == phone)).all()
    target = ErasureTarget(session=session, phone=phone, now=now, subscriber_ids=[row.id for row in subscribers],
                           phone_key=keys.key(phone))
    opted_out = any(row.suppressed_at is not None for row in subscribers)
    if opted_out:
        keep_erased_opt_out(session, phone, keys, now)
    return {table: erase(target) for table, erase in ERASERS.items()}, opted_out


def erase_redis_keys(redis, phone):
    """Delete every Redis key naming `phone` (USSD resume snapshots, reply counters, the local
    gateway's inbox) and every USSD session whose state holds it; returns how many."""
    doomed = set(redis.scan_iter(match=f"*{phone}*", count=1000))
    needle = phone.encode()
    for key in redis.scan_iter(match="ussd:session:*", count=1000):
        state = redis.get(key)
        if state and needle in state:
            doomed.add(key)
    return redis.delete(*doomed) if doomed else 0


def _deleted(session, statement):
    return session.execute(statement.execution_options(synchronize_session=False)).rowcount or 0
