"""The consent ledger: every grant and withdrawal, with time and channel."""

from sms_service.core.models import Consent


def record_consent(session, subscriber, purpose, granted, channel, now):
    """Add a grant (`granted` True) or withdrawal of `purpose` ("updates:torture",
    "petition:att") at `now` (the service's clock); the Consent row."""
    consent = Consent(
        subscriber_id=subscriber.id,
        purpose=purpose,
        granted=granted,
        channel=channel,
        recorded_at=now,
    )
    session.add(consent)
    return consent
