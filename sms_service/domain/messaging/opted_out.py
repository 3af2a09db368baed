"""Which texts of a number that opted out may still be answered: only those it sent after opting
out, and only by staff (kinds.py `answers_opted_out`). Everything else to it stays suppressed.

"After" is read in the order texts arrived: after the last text that opted it out (STOP), or, for
an opt-out that came another way (AT's opt-out callback), after the time it was recorded.
"""

from sqlalchemy import func, select

from sms_service.core.clock import as_utc
from sms_service.core.models import InboundMessage, Subscriber


def answers_text_after_opt_out(session, phone, inbound_id):
    """True when `inbound_id` (an InboundMessage id, or None) is a text `phone` sent after it opted
    out; False when it opted out later, when the text is another number's, or when there is none."""
    if inbound_id is None:
        return False
    inbound = session.get(InboundMessage, inbound_id)
    if inbound is None or inbound.phone != phone:
        return False
    last_stop = session.scalar(select(func.max(InboundMessage.id)).where(
        InboundMessage.phone == phone, InboundMessage.outcome == "stop"))
    if last_stop is not None:
        return inbound.id > last_stop
    suppressed_at = session.scalar(select(Subscriber.suppressed_at).where(Subscriber.phone == phone))
    return suppressed_at is None or as_utc(inbound.received_at) >= as_utc(suppressed_at)
