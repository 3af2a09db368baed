"""The consent ledger: every grant and withdrawal, with time and channel."""

from sms_service.models import Consent, utcnow


def record_consent(session, subscriber, purpose, granted, channel):
    consent = Consent(
        subscriber_id=subscriber.id,
        purpose=purpose,
        granted=granted,
        channel=channel,
        recorded_at=utcnow(),
    )
    session.add(consent)
    return consent
