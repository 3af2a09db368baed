"""STOP: a number that opted out receives nothing more until it texts JOIN again."""

from sqlalchemy import select, update

from sms_service.campaigns.consents import record_consent
from sms_service.campaigns.subscribers import get_or_create_subscriber
from sms_service.models import Subscriber, Subscription, utcnow
from sms_service.quizzes.attempts import pause_open


def suppress(session, phone, channel, language):
    """Opt `phone` out of everything; True if it was not opted out already."""
    subscriber = get_or_create_subscriber(session, phone, language)
    if subscriber.suppressed_at is not None:
        return False
    now = utcnow()
    subscriber.suppressed_at = now
    session.execute(
        update(Subscription)
        .where(Subscription.subscriber_id == subscriber.id, Subscription.withdrawn_at.is_(None))
        .values(withdrawn_at=now)
    )
    record_consent(session, subscriber, "updates:all", False, channel)
    pause_open(session, phone)  # no quiz reminders either; QUIZ <name> takes it up after JOIN
    return True


def is_suppressed(session, phone):
    return (
        session.execute(select(Subscriber.suppressed_at).where(Subscriber.phone == phone)).scalar()
        is not None
    )
