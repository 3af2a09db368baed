"""Petition signatures: one per number per petition, only with consent."""

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from sms_service.campaigns.consents import record_consent
from sms_service.campaigns.subscribers import get_or_create_subscriber
from sms_service.models import PetitionSignature, Subscriber

SIGNED = "signed"
ALREADY_SIGNED = "already_signed"
NOT_SIGNED = "not_signed"
DECLINED = "declined"


def has_signed(session, phone, petition):
    """Whether `phone` has signed `petition` (asked before making someone type their name)."""
    query = (
        select(PetitionSignature.id)
        .join(Subscriber, Subscriber.id == PetitionSignature.subscriber_id)
        .where(Subscriber.phone == phone, PetitionSignature.petition == petition)
    )
    return session.execute(query).first() is not None


def sign_petition(session, *, phone, petition, full_name, county, consent, channel, language):
    """Sign `petition` for `phone`; returns SIGNED, ALREADY_SIGNED or DECLINED.

    Without consent nothing about the person is stored.
    """
    if not consent:
        return DECLINED
    subscriber = get_or_create_subscriber(session, phone, language)
    already = session.execute(
        select(PetitionSignature.id).where(
            PetitionSignature.petition == petition,
            PetitionSignature.subscriber_id == subscriber.id,
        )
    ).first()
    if already:
        return ALREADY_SIGNED
    try:
        with session.begin_nested():
            consent_row = record_consent(session, subscriber, f"petition:{petition}", True, channel)
            session.add(
                PetitionSignature(
                    petition=petition,
                    subscriber_id=subscriber.id,
                    full_name=full_name,
                    county=county,
                    consent_at=consent_row.recorded_at,
                    channel=channel,
                    signed_at=consent_row.recorded_at,
                )
            )
    except IntegrityError:  # the same number signing from two sessions at once
        return ALREADY_SIGNED
    return SIGNED
