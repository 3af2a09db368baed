"""The outbox: every reply and transactional SMS is a row first, then a try through the one send
path (sending.py: a batch of one), then delivery reports (delivery_reports.py).

`deliver` is idempotent: it only sends a message still queued, or a retry that is due, so a job
that runs twice sends once. What it may not send yet (a reminder outside its window, a retry
not yet due) it leaves for a later job at the time it returns.
"""

import uuid
from dataclasses import dataclass

from sms_service.core.clock import as_utc
from sms_service.core.models import InboundMessage, OutboundMessage
from sms_service.domain.campaigns.suppression import is_suppressed
from sms_service.domain.messaging.delivery_reports import apply_early_reports
from sms_service.domain.messaging.gateway import PremiumReply
from sms_service.domain.messaging.kinds import DEFAULT_QUEUE, RULES, MessageKind, purpose_of, rules_for
from sms_service.domain.messaging.opted_out import answers_text_after_opt_out
from sms_service.domain.messaging.sending import Claimed, record_results, send_batch
from sms_service.domain.messaging.statuses import SENDABLE, MessageStatus


def queue_message(session, phone, text, purpose, now, in_reply_to=None):
    """A new queued message to `phone` (E.164) for `purpose` (a row of kinds.PURPOSES), made at
    `now`; KeyError for a purpose no row declares."""
    purpose_of(purpose)
    message = OutboundMessage(
        phone=phone, text=text, purpose=purpose, in_reply_to=in_reply_to, status=MessageStatus.QUEUED, attempts=0,
        created_at=now, updated_at=now,
    )
    session.add(message)
    session.flush()
    return message


SEND_JOB = "workers.sms_jobs.send_outbound_message"


def queue_send(queues, message_id, purpose):
    """Put a send of stored message `message_id` on its kind's queue of `queues` (by name). The
    job only sends a message still due (`deliver`), so queueing it twice sends it once."""
    return queues[rules_for(purpose).queue].enqueue(SEND_JOB, message_id, job_id=f"send-{message_id}")


@dataclass(frozen=True)
class Delivery:
    status: str  # the message's status after this try (or without one)
    again_at: object = None  # when to try again (a retry's time, or its window's opening); None: done
    queue: str = DEFAULT_QUEUE  # the queue its kind travels on (kinds.py), for trying again


def deliver(database, gateway, message_id, now, settings, redis):
    """Try one reply or transactional message at `now` (the app clock's time); returns a Delivery.

    Its kind's rules (kinds.py) decide: a transactional message waits for its window; STOP is
    checked at send time (only a STOP confirmation goes to a number that opted out). A
    delivery report that raced ahead of our record of the send is applied too (`redis`).
    """
    token = uuid.uuid4().hex[:16]
    with database.write_transaction() as session:
        message = session.get(OutboundMessage, message_id)
        if message is None or message.status not in SENDABLE:
            return Delivery(message.status if message else "missing")
        purpose = purpose_of(message.purpose)
        if purpose.kind is MessageKind.BROADCAST:
            raise ValueError(f"message {message_id} belongs to a broadcast: its senders send it")
        queue = RULES[purpose.kind].queue
        if message.status == MessageStatus.RETRY and message.retry_at and as_utc(message.retry_at) > now:
            return Delivery(message.status, as_utc(message.retry_at), queue)
        window = settings.window_for(purpose.kind)
        if window is not None and not window.contains(now):
            return Delivery(message.status, window.next_opening(now), queue)
        if not purpose.to_opted_out and is_suppressed(session, message.phone, settings.phone_keys) and not (
                purpose.answers_opted_out and answers_text_after_opt_out(session, message.phone, message.in_reply_to)):
            message.status, message.failure_reason, message.updated_at = MessageStatus.FAILED, "Suppressed", now
            return Delivery(message.status)
        # Claimed before the request: if this process dies mid-send, the message stays "sending"
        # (it may have gone out) and no rerun of the job sends it a second time.
        message.status, message.claim, message.updated_at = MessageStatus.SENDING, token, now
        message.attempts = (message.attempts or 0) + 1
        claimed, text = Claimed(message.id, message.phone, message.attempts), message.text
        premium = premium_reply_for(session, message, purpose, now, settings)
    # The request happens outside the transaction: a slow gateway must not hold a database lock.
    [change] = send_batch(gateway, text, [claimed], now, settings.max_attempts, token, premium)
    with database.engine.begin() as connection:
        record_results(connection, [change])
    if change["gateway_id"]:  # only after that commit: a report from now on finds the message
        apply_early_reports(database, redis, [change["gateway_id"]])
    return Delivery(change["new_status"], change["retry"], queue)


def premium_reply_for(session, message, purpose, now, settings):
    """The PremiumReply `message` goes out as, or None for the bulk sender.

    Only a direct reply (its purpose says `premium_reply`) to a message sent to a premium
    shortcode (AT_PREMIUM_SHORTCODES), while that message's linkId is valid (within
    AT_PREMIUM_LINK_ID_MINUTES of its arrival, at `now`); its keyword is the first word the
    person typed. A retry after that window goes through the bulk sender.
    """
    if not (settings.premium_shortcodes and purpose.premium_reply and message.in_reply_to):
        return None
    inbound = session.get(InboundMessage, message.in_reply_to)
    if inbound is None or not inbound.link_id or inbound.shortcode not in settings.premium_shortcodes:
        return None
    if now - as_utc(inbound.received_at) > settings.link_id_valid_for:
        return None
    words = inbound.text.split()
    return PremiumReply(shortcode=inbound.shortcode, keyword=words[0] if words else "", link_id=inbound.link_id)
