"""What staff do in a thread: answer, note, assign, mark handled. Each is audited in the same
transaction (domain/audit.py), with the thread's id as subject, never the number or the text.

A staff answer is an ordinary reply of the one send path (messaging/outbox.py), purpose
"staff_reply": it answers the person's last text, so on a premium shortcode it goes as a premium
reply. To a number that opted out it goes only when that last text came after the opt-out
(messaging/opted_out.py); otherwise it is refused here, before it is written.
"""

from sqlalchemy import select

from sms_service.core.gsm7 import describe_text
from sms_service.core.models import ConversationEntry, InboundMessage, Subscriber
from sms_service.domain import audit
from sms_service.domain.messaging.opted_out import answers_text_after_opt_out
from sms_service.domain.messaging.outbox import queue_message

REPLY_MAX_SEGMENTS = 4  # a longer answer belongs in a call
NOTE_MAX_LENGTH = 1000


class ActionRefused(Exception):
    """A staff action that cannot be done, with the reason to show them."""


def last_text_id(session, phone):
    """The id of the last text `phone` sent, or None."""
    return session.scalar(select(InboundMessage.id).where(InboundMessage.phone == phone)
                          .order_by(InboundMessage.id.desc()).limit(1))


def may_answer(session, conversation):
    """(True, "") when a staff answer may go to the thread's number now, else (False, why)."""
    suppressed = session.scalar(select(Subscriber.suppressed_at).where(Subscriber.phone == conversation.phone))
    if suppressed is None:
        return True, ""
    if answers_text_after_opt_out(session, conversation.phone, last_text_id(session, conversation.phone)):
        return True, ""
    return False, "This number opted out and has sent nothing since: it may get no message."


def reply(session, conversation, author, text, now):
    """Queue a staff answer to the thread's last text; the OutboundMessage (status queued).

    ActionRefused when the text is empty, longer than REPLY_MAX_SEGMENTS, or the number opted
    out without texting since."""
    text = (text or "").strip()
    if not text:
        raise ActionRefused("Write an answer first.")
    report = describe_text(text)
    if report.segments > REPLY_MAX_SEGMENTS:
        raise ActionRefused(f"The answer is {report.segments} SMS segments; at most {REPLY_MAX_SEGMENTS}.")
    allowed, why = may_answer(session, conversation)
    if not allowed:
        raise ActionRefused(why)
    message = queue_message(session, conversation.phone, text, "staff_reply", now, last_text_id(session, conversation.phone))
    session.add(ConversationEntry(conversation_id=conversation.id, kind="reply", author=author,
                                  outbound_message_id=message.id, written_at=now))
    conversation.needs_human_since = None
    audit.record(session, author, "conversation.reply", f"conversation {conversation.id}", message_id=message.id,
                 segments=report.segments, encoding=report.encoding)
    return message


def add_note(session, conversation, author, text, now):
    """An internal note (never sent); ActionRefused when empty or over NOTE_MAX_LENGTH characters."""
    text = (text or "").strip()
    if not text or len(text) > NOTE_MAX_LENGTH:
        raise ActionRefused(f"A note needs 1 to {NOTE_MAX_LENGTH} characters.")
    entry = ConversationEntry(conversation_id=conversation.id, kind="note", author=author, text=text, written_at=now)
    session.add(entry)
    audit.record(session, author, "conversation.note", f"conversation {conversation.id}")
    return entry


def assign(session, conversation, author, assignee):
    """Give the thread to `assignee` (a username, checked by the caller), or to nobody (None)."""
    conversation.assigned_to = assignee or None
    audit.record(session, author, "conversation.assign", f"conversation {conversation.id}", to=assignee or None)


def mark_handled(session, conversation, author, now):
    """Handled: it leaves "needs a human" and "urgent" until the person texts again."""
    conversation.handled_at, conversation.handled_by = now, author
    conversation.needs_human_since = conversation.urgent_since = None
    audit.record(session, author, "conversation.handled", f"conversation {conversation.id}")


def record_urgent_view(session, conversation, viewer):
    """Every view of an urgent (restricted) thread is audited: who, and the thread's id."""
    audit.record(session, viewer, "conversation.view_urgent", f"conversation {conversation.id}")
