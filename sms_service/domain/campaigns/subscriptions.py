"""Topic subscriptions for SMS updates, only with explicit consent."""

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from sms_service.core.models import Subscription
from sms_service.domain.campaigns.consents import record_consent
from sms_service.domain.campaigns.subscribers import get_or_create_subscriber

SUBSCRIBED = "subscribed"
ALREADY_SUBSCRIBED = "already_subscribed"
DECLINED = "declined"
LEFT, NOT_SUBSCRIBED = "left", "not_subscribed"


def subscribe(session, *, phone, topic, consent, channel, language, now):
    """Subscribe `phone` to `topic` at `now` (the service's clock); returns SUBSCRIBED,
    ALREADY_SUBSCRIBED or DECLINED.

    Subscribing is asking for messages again, so it lifts an earlier STOP.
    """
    if not consent:
        return DECLINED
    subscriber = get_or_create_subscriber(session, phone, language)
    subscriber.suppressed_at = None
    existing = session.execute(
        select(Subscription).where(
            Subscription.subscriber_id == subscriber.id, Subscription.topic == topic
        )
    ).scalar()
    if existing is not None and existing.withdrawn_at is None:
        return ALREADY_SUBSCRIBED
    try:
        with session.begin_nested():
            consent_row = record_consent(session, subscriber, f"updates:{topic}", True, channel, now)
            if existing is None:
                session.add(
                    Subscription(
                        subscriber_id=subscriber.id,
                        topic=topic,
                        consent_at=consent_row.recorded_at,
                        channel=channel,
                    )
                )
            else:  # coming back after withdrawing
                existing.consent_at = consent_row.recorded_at
                existing.channel = channel
                existing.withdrawn_at = None
    except IntegrityError:
        return ALREADY_SUBSCRIBED
    return SUBSCRIBED


def withdraw(session, *, phone, topic, channel, language, now):
    """End `phone`'s updates on one `topic` (LEAVE TORTURE); the other topics stay, and so do
    replies. Recorded in the consent ledger. Returns LEFT, or NOT_SUBSCRIBED if it had none."""
    subscriber = get_or_create_subscriber(session, phone, language)
    existing = session.execute(
        select(Subscription).where(Subscription.subscriber_id == subscriber.id, Subscription.topic == topic,
                                   Subscription.withdrawn_at.is_(None))
    ).scalar()
    if existing is None:
        return NOT_SUBSCRIBED
    consent_row = record_consent(session, subscriber, f"updates:{topic}", False, channel, now)
    existing.withdrawn_at = consent_row.recorded_at
    return LEFT
