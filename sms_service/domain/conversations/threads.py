"""Threads follow what people text: each text opens or updates its number's thread.

    a text no keyword understood      -> needs a human (until staff answer or mark it handled)
    a danger text (intent.py)         -> needs a human and urgent; its texts are restricted to
                                         responders and admins from then on
    any text to a handled thread      -> the thread reopens
The helpline reply to a danger text goes at most once per HELPLINES_EVERY per number.
"""

from datetime import timedelta

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from sms_service.core.clock import as_utc
from sms_service.core.models import Conversation

HELPLINES_EVERY = timedelta(days=1)
# Outcomes of the SMS router (router.py `Handled.outcome`) that no keyword understood: a person reads them.
NEEDS_A_HUMAN = ("unknown", "quiz_reask", "urgent")


def thread_for(session, phone, now):
    """The thread of `phone` (E.164), made (at `now`) if it has none.

    Two first texts of one number handled at once (two workers, PostgreSQL) both try to make it:
    the second's insert fails inside a savepoint and it takes the first's, so neither text fails."""
    found = select(Conversation).where(Conversation.phone == phone)
    conversation = session.scalar(found)
    if conversation is None:
        try:
            with session.begin_nested():
                conversation = Conversation(phone=phone, last_text_at=now, restricted=False)
                session.add(conversation)
        except IntegrityError:
            conversation = session.scalar(found)
    return conversation


def note_text(session, phone, outcome, urgent, topic, now):
    """Record in `phone`'s thread a text it sent at `now`, read as `outcome` (urgent when it held
    danger wording, naming `topic` or None); returns the Conversation."""
    conversation = thread_for(session, phone, now)
    conversation.last_text_at = now
    if conversation.handled_at is not None:  # a handled thread reopens on a new text
        conversation.handled_at = conversation.handled_by = None
    if topic:
        conversation.topic = topic
    if (outcome in NEEDS_A_HUMAN or urgent) and conversation.needs_human_since is None:
        conversation.needs_human_since = now
    if urgent:
        conversation.restricted = True
        if conversation.urgent_since is None:
            conversation.urgent_since = now
    return conversation


def helplines_due(conversation, now):
    """True when the helpline reply may go to this thread's number now (once per HELPLINES_EVERY)."""
    sent = conversation.helplines_sent_at
    return sent is None or now - as_utc(sent) >= HELPLINES_EVERY


def restricted_numbers(session, phones):
    """Those of `phones` whose thread has had a danger text: their texts are for responders and admins."""
    if not phones:
        return set()
    return set(session.scalars(select(Conversation.phone).where(Conversation.phone.in_(list(phones)),
                                                                Conversation.restricted.is_(True))))
