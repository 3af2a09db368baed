"""Topic subscriptions for SMS updates, only with explicit consent."""

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from sms_service.campaigns.consents import record_consent
from sms_service.campaigns.subscribers import get_or_create_subscriber
from sms_service.models import Subscription

SUBSCRIBED = "subscribed"
ALREADY_SUBSCRIBED = "already_subscribed"
DECLINED = "declined"


def subscribe(session, *, phone, topic, consent, channel, language):
    """Subscribe `phone` to `topic`; returns SUBSCRIBED, ALREADY_SUBSCRIBED or DECLINED.

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
            consent_row = record_consent(session, subscriber, f"updates:{topic}", True, channel)
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
