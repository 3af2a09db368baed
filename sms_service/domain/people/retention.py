"""The retention job: message texts older than CONVERSATION_RETENTION_MONTHS are deleted, and the
rows stay (with their number, kind, status and times) so that every count still adds up; the
names registrants gave for an event's door are deleted EVENT_NAME_RETENTION_DAYS after it ended.

Kenya's Data Protection Act 2019, s. 39: personal data is kept no longer than its purpose needs.
What people text (and what we answered) is needed while a conversation may go on; after that only
how many texts there were matters. docs/data-protection.md lists every period.
"""

from calendar import monthrange
from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy import select, update

from sms_service.core.clock import NAIROBI, as_utc
from sms_service.core.models import ConversationEntry, Event, EventRegistration, InboundMessage, OutboundMessage
from sms_service.domain.messaging.statuses import PENDING
from sms_service.domain.people.erasure import ERASED, ERASURE_CONFIRMATION

RETENTION_JOB = "workers.people_jobs.remove_old_texts"
RETENTION_QUEUED_KEY = "people:retention-queued"
REMOVED = ""  # what a text becomes


@dataclass(frozen=True)
class RemovedTexts:
    inbound: int  # texts people sent
    outbound: int  # texts we sent them (replies, broadcasts, quiz messages)
    notes: int = 0  # staff's internal notes in the conversations inbox
    confirmations: int = 0  # erasure confirmations sent, their number and text blanked


def retention_cutoff(now, months):
    """The moment `months` calendar months before `now`, by the Nairobi calendar (UTC, aware).

    The 31st of a month with fewer days becomes its last day: 12 months before 2027-02-28 is
    2026-02-28, and 1 month before 2026-03-31 is 2026-02-28.
    """
    local = as_utc(now).astimezone(NAIROBI)
    month_index = local.year * 12 + local.month - 1 - months
    year, month = divmod(month_index, 12)
    month += 1
    day = min(local.day, monthrange(year, month)[1])
    return as_utc(local.replace(year=year, month=month, day=day))


def remove_old_texts(session, now, months):
    """Blank the texts of inbound messages received, of settled outbound messages created, and of
    staff's notes on conversations written, before `retention_cutoff(now, months)`; returns
    RemovedTexts. Safe to run any number of times.

    A message not yet sent (queued, retry, sending) keeps its text whatever its age. An erasure
    confirmation ("Done: erased", the one row an erasure leaves with the number, so that it can
    be sent) loses its number and text as soon as it is no longer pending, whatever its age.
    """
    cutoff = retention_cutoff(now, months)
    inbound = session.execute(
        update(InboundMessage)
        .where(InboundMessage.received_at < cutoff, InboundMessage.text != REMOVED, InboundMessage.handled_at.is_not(None))
        .values(text=REMOVED)
        .execution_options(synchronize_session=False)
    ).rowcount
    outbound = session.execute(
        update(OutboundMessage)
        .where(OutboundMessage.created_at < cutoff, OutboundMessage.text != REMOVED, OutboundMessage.status.not_in(PENDING))
        .values(text=REMOVED)
        .execution_options(synchronize_session=False)
    ).rowcount
    notes = session.execute(
        update(ConversationEntry)
        .where(ConversationEntry.written_at < cutoff, ConversationEntry.kind == "note", ConversationEntry.text != REMOVED)
        .values(text=REMOVED)
        .execution_options(synchronize_session=False)
    ).rowcount
    confirmations = session.execute(
        update(OutboundMessage)
        .where(OutboundMessage.purpose == ERASURE_CONFIRMATION, OutboundMessage.phone != ERASED,
               OutboundMessage.status.not_in(PENDING))
        .values(phone=ERASED, text=REMOVED)
        .execution_options(synchronize_session=False)
    ).rowcount
    return RemovedTexts(inbound=inbound or 0, outbound=outbound or 0, notes=notes or 0,
                        confirmations=confirmations or 0)


def remove_event_names(session, now, days):
    """Delete the names given for the door of every event that ended more than `days` days before
    `now`; how many were removed. The registrations stay (place, check-in) for attendance counts.
    A name is asked only so that the door can find the person (README "Events"): once the event
    is over it serves nothing. Safe to run any number of times."""
    ended = select(Event.id).where(Event.ends_at < as_utc(now) - timedelta(days=days))
    removed = session.execute(
        update(EventRegistration)
        .where(EventRegistration.event_id.in_(ended), EventRegistration.name.is_not(None))
        .values(name=None)
        .execution_options(synchronize_session=False)
    ).rowcount
    return removed or 0
