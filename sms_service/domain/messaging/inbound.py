"""Inbound SMS waiting to be handled: each stored message is handled by one RQ job, named by its
id so that queueing it twice (a webhook, then `flask sms handle-pending`) runs it once. Its reply
is sent by the same job, so it goes on the replies queue, which every worker takes first."""

from sms_service.domain.messaging.kinds import REPLY_QUEUE

INBOUND_JOB = "workers.sms_jobs.handle_inbound_sms"
# The outcome of a message from a sender id or shortcode ("MPESA", "22384"): stored, never answered.
NOT_A_PHONE = "sender_not_a_phone"


def is_phone_sender(sender):
    """True for a sender we may answer: an E.164 number, as the edge stores every phone number."""
    return sender.startswith("+") and sender[1:].isdigit()


def queue_inbound(queues, message_id):
    """Put the stored inbound message `message_id` on the replies queue of `queues` (by name)."""
    return queues[REPLY_QUEUE].enqueue(INBOUND_JOB, message_id, job_id=f"inbound-{message_id}", retry=None)
