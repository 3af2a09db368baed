"""SMS jobs: handling an inbound message, and sending one reply or transactional message. Both
idempotent. Replies travel on the queue every worker takes first (messaging/kinds.py)."""

from sms_service.core.models import InboundMessage
from sms_service.domain.campaigns.suppression import restore_erased_opt_out
from sms_service.domain.messaging.inbound import queue_inbound
from sms_service.domain.messaging.outbox import SEND_JOB, deliver, queue_send
from sms_service.domain.messaging.recovery import find_stranded
from sms_service.domain.people.erasure import erase_redis_keys
from sms_service.engine.sms.router import ERASED_OUTCOME, handle_inbound
from workers import context


def handle_inbound_sms(inbound_id):
    """Act on a stored inbound message (once) and send its replies."""
    services = context.services()
    book, database, now = services.flow_book, services.database, services.clock.now()
    # Inbound texts come in bursts handled by many workers: on SQLite they queue for the one
    # writer (core/database.py writer_turn) instead of busy-waiting, which under load ran past
    # the 3 s lock timeout ("database is locked"). PostgreSQL: no turn.
    with database.writer_turn(), database.write_transaction() as session:
        inbound = session.get(InboundMessage, inbound_id)
        if inbound is None or inbound.handled_at is not None:
            return None
        phone = inbound.phone
        # An erased number that had opted out is heard from again: it is an opted-out subscriber.
        restore_erased_opt_out(session, phone, services.phone_keys, book.default_language, now)
        outcome, replies = handle_inbound(session, book, inbound, lambda: services.unknown_replies.may_answer(phone), now,
                                          services.phone_keys)
    if outcome == ERASED_OUTCOME:  # MY DATA CONFIRM: Redis too, now that the rows are gone
        erase_redis_keys(services.redis, phone)
    for reply_id, _ in replies:
        send_outbound_message(reply_id)
    return outcome


def send_outbound_message(message_id):
    """Try one reply or transactional message; a retry (or one waiting for its window) is queued
    again for its time, on its kind's queue."""
    services = context.services()
    delivery = deliver(services.database, services.gateway, message_id, services.clock.now(), services.messaging,
                       services.redis)
    if delivery.again_at is not None:
        services.queues[delivery.queue].enqueue_at(delivery.again_at, SEND_JOB, message_id)
    return delivery.status


def recover_stranded():
    """Queue again what a lost queue or a dead worker left behind, and mark sends that died
    mid-request uncertain (messaging/recovery.py); safe to run twice."""
    services = context.services()
    stranded = find_stranded(services.database, services.messaging, services.clock.now())
    for inbound_id in stranded.inbound:
        queue_inbound(services.queues, inbound_id)
    for message_id, purpose in stranded.sends:
        queue_send(services.queues, message_id, purpose)
    return {"inbound": len(stranded.inbound), "sends": len(stranded.sends), "uncertain": stranded.uncertain}
