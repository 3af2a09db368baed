"""SMS jobs: handling an inbound message, and sending one outbound message. Both idempotent."""

import time
from datetime import timedelta

from sms_service.models import InboundMessage, utcnow
from sms_service.sms.keywords import handle_text, reply_text
from sms_service.sms.outbox import RETRY_BACKOFF_SECONDS, deliver, queue_message
from workers.app_context import worker_app

SEND_JOB = "workers.sms_jobs.send_outbound_message"


def handle_inbound_sms(inbound_id):
    """Act on a stored inbound message (once) and queue its reply."""
    app = worker_app()
    book, database = app.extensions["flow_book"], app.extensions["database"]
    with database.write_transaction() as session:
        inbound = session.get(InboundMessage, inbound_id)
        if inbound is None or inbound.handled_at is not None:
            return None
        handled = handle_text(
            session, book, inbound.phone, inbound.text,
            may_answer_unknown=lambda: _may_answer_unknown(app, inbound.phone),
        )
        inbound.handled_at, inbound.outcome = utcnow(), handled.outcome
        reply_id = None
        if handled.reply is not None:
            text = reply_text(book, handled.reply, handled.language)
            reply_id = queue_message(session, inbound.phone, text, handled.reply.purpose, inbound.id).id
    if reply_id is not None:
        send_outbound_message(reply_id)
    return handled.outcome


def send_outbound_message(message_id, attempt=1):
    """Send one outbox message; on a retryable failure, schedule the next attempt with backoff."""
    app = worker_app()
    status = deliver(
        app.extensions["database"], app.extensions["sms_client"], message_id, app.extensions["redis"]
    )
    if status == "retry" and attempt <= len(RETRY_BACKOFF_SECONDS):
        delay = timedelta(seconds=RETRY_BACKOFF_SECONDS[attempt - 1])
        app.extensions["queue"].enqueue_in(delay, SEND_JOB, message_id, attempt + 1)
    return status


def _may_answer_unknown(app, phone):
    """At most SMS_UNKNOWN_REPLIES_PER_HOUR "not understood" replies per number per hour."""
    redis = app.extensions["redis"]
    key = f"sms:unknown-replies:{phone}:{int(time.time() // 3600)}"
    pipe = redis.pipeline()
    pipe.incr(key)
    pipe.expire(key, 3600)
    count, _ = pipe.execute()
    return count <= app.config["SMS_UNKNOWN_REPLIES_PER_HOUR"]
