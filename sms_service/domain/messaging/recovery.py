"""What the workers' clock picks up so that no message is left behind when Redis lost its queue or a
worker died (workers/sms_jobs.py `recover_stranded`, every RECOVERY_SECONDS).

The database is the record; a queue is only a reminder of it. Anything a job should have moved on
by STRANDED_AFTER past its time, and did not, is moved on here:

    an inbound SMS not handled                     -> its handling queued again (it runs once: handled_at)
    a reply or transactional message "queued"      -> its send queued again (a transactional message
      (inside its send window), or "retry" past       outside its window waits for it, as before);
      its retry time                                  `deliver` sends a message once, however often queued
    a reply or transactional message "sending"     -> "uncertain": its worker died during the request,
                                                      which may have gone out; never sent again on a guess

Broadcast messages are their senders' (broadcasts/recovery.py, by lease) and are left alone here.
"""

from dataclasses import dataclass, field
from datetime import timedelta

from sqlalchemy import select, update

from sms_service.core.models import InboundMessage, OutboundMessage
from sms_service.domain.messaging.kinds import purpose_of
from sms_service.domain.messaging.statuses import MessageStatus

# A hop of work (handle a text, send one reply: a request of at most ~12 s) ends well within this.
STRANDED_AFTER = timedelta(minutes=1)
RECOVERY_JOB = "workers.sms_jobs.recover_stranded"
RECOVERY_QUEUED_KEY = "sms:recovery-queued"
INTERRUPTED = "Interrupted"  # the failure reason of a send whose worker died mid-request


@dataclass
class Stranded:
    inbound: list = field(default_factory=list)  # inbound message ids to handle
    sends: list = field(default_factory=list)  # (outbound message id, purpose) to send
    uncertain: int = 0  # sends marked uncertain


def find_stranded(database, settings, now):
    """Mark dead sends uncertain and list what must be queued again, at `now` (the services' clock);
    a Stranded. `settings` is the MessagingSettings (send windows)."""
    before = now - STRANDED_AFTER
    stranded = Stranded()
    not_broadcast = OutboundMessage.broadcast_id.is_(None)
    with database.engine.begin() as connection:
        stranded.uncertain = connection.execute(
            update(OutboundMessage)
            .where(not_broadcast, OutboundMessage.status == MessageStatus.SENDING, OutboundMessage.updated_at < before)
            .values(status=MessageStatus.UNCERTAIN, failure_reason=INTERRUPTED, claim=None, updated_at=now)
        ).rowcount
        stranded.inbound = list(connection.scalars(
            select(InboundMessage.id)
            .where(InboundMessage.handled_at.is_(None), InboundMessage.received_at < before)
            .order_by(InboundMessage.id)
        ))
        due = connection.execute(
            select(OutboundMessage.id, OutboundMessage.purpose, OutboundMessage.status)
            .where(not_broadcast, (
                ((OutboundMessage.status == MessageStatus.QUEUED) & (OutboundMessage.updated_at < before))
                | ((OutboundMessage.status == MessageStatus.RETRY) & (OutboundMessage.retry_at < before))
            ))
            .order_by(OutboundMessage.id)
        ).all()
    for message_id, purpose, status in due:
        window = settings.window_for(purpose_of(purpose).kind)
        if status == MessageStatus.RETRY or window is None or window.contains(now):
            stranded.sends.append((message_id, purpose))
    return stranded
