"""Petition signatures: one per number per petition, only with consent; on the web (where no
number is proven) one per name and email when an email is given."""

import hashlib

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from sms_service.core.countries import country_of_number
from sms_service.core.models import PetitionSignature, Subscriber
from sms_service.core.phone_numbers import not_a_test_number
from sms_service.core.typed_text import matching_key
from sms_service.domain.campaigns.consents import record_consent
from sms_service.domain.campaigns.subscribers import get_or_create_subscriber

SIGNED = "signed"
ALREADY_SIGNED = "already_signed"
NOT_SIGNED = "not_signed"
DECLINED = "declined"

WEB = "web"  # the channel of signatures made on the public petition page
# The channels in the order figures show them; a signature's channel is one of these.
CHANNELS = ("ussd", "sms", WEB)


def has_signed(session, phone, petition):
    """Whether `phone` has signed `petition` (asked before making someone type their name)."""
    query = (
        select(PetitionSignature.id)
        .join(Subscriber, Subscriber.id == PetitionSignature.subscriber_id)
        .where(Subscriber.phone == phone, PetitionSignature.petition == petition)
    )
    return session.execute(query).first() is not None


def sign_petition(session, *, phone, petition, full_name, county, consent, channel, language, now):
    """Sign `petition` for `phone` at `now` (the service's clock); returns SIGNED, ALREADY_SIGNED
    or DECLINED.

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
            consent_row = record_consent(session, subscriber, f"petition:{petition}", True, channel, now)
            session.add(
                PetitionSignature(
                    petition=petition,
                    subscriber_id=subscriber.id,
                    full_name=full_name,
                    county=county,
                    country=country_of_number(phone),
                    consent_at=consent_row.recorded_at,
                    channel=channel,
                    signed_at=consent_row.recorded_at,
                )
            )
    except IntegrityError:  # the same number signing from two sessions at once
        return ALREADY_SIGNED
    return SIGNED


def signer_fingerprint(full_name, email):
    """A one-way SHA-256 (64 hex digits) of a web signer's normalised name and email: the same
    person typing "Wanjiru  Kamau" or "kamau wanjirũ" with the same email gives the same value.

    Words are sorted, since people write their names in either order; the email is case folded.
    The email itself is never stored (Kenya DPA 2019 s. 25(d): no more than the purpose needs).
    """
    words = " ".join(sorted(matching_key(full_name).split()))
    return hashlib.sha256(f"petition-signer\n{words}\n{email.strip().casefold()}".encode()).hexdigest()


def sign_on_the_web(session, *, petition, full_name, country, email, now):
    """Sign `petition` from the public page; returns SIGNED or ALREADY_SIGNED.

    `full_name` as typed (already checked), `country` an ISO 3166-1 alpha-2 code, `email` the
    signer's address or None, `now` the consent time (UTC, from the service's clock). With an
    email, a second signature with the same normalised name and email is refused, also when two
    arrive at once (the unique key decides). Without one, nothing tells two signers apart.
    """
    fingerprint = signer_fingerprint(full_name, email) if email else None
    if fingerprint is not None and session.execute(
        select(PetitionSignature.id).where(PetitionSignature.petition == petition,
                                           PetitionSignature.fingerprint == fingerprint)
    ).first():
        return ALREADY_SIGNED
    try:
        with session.begin_nested():
            session.add(PetitionSignature(petition=petition, subscriber_id=None, full_name=full_name, county=None,
                                          country=country, fingerprint=fingerprint, consent_at=now, channel=WEB,
                                          signed_at=now))
    except IntegrityError:  # the same name and email sent twice at once
        return ALREADY_SIGNED
    return SIGNED


def signature_counts(session, petition, test_prefix=""):
    """{channel: signatures} of `petition`, every channel of CHANNELS present (0 when none); the
    simulator's numbers (starting with `test_prefix`) left out."""
    counts = dict.fromkeys(CHANNELS, 0)
    counts.update(session.execute(
        select(PetitionSignature.channel, func.count())
        .outerjoin(Subscriber, Subscriber.id == PetitionSignature.subscriber_id)
        .where(PetitionSignature.petition == petition, not_a_test_number(Subscriber.phone, test_prefix))
        .group_by(PetitionSignature.channel)
    ).all())
    return counts


def signatures_by_channel_and_country(session, petition=None, test_prefix=""):
    """[(channel, country or None, signatures)] of `petition` (of every petition when None),
    most signatures first; the simulator's numbers (starting with `test_prefix`) left out."""
    query = select(PetitionSignature.channel, PetitionSignature.country, func.count()) \
        .outerjoin(Subscriber, Subscriber.id == PetitionSignature.subscriber_id) \
        .where(not_a_test_number(Subscriber.phone, test_prefix)) \
        .group_by(PetitionSignature.channel, PetitionSignature.country)
    if petition is not None:
        query = query.where(PetitionSignature.petition == petition)
    rows = session.execute(query).all()
    return sorted(((channel, country, count) for channel, country, count in rows),
                  key=lambda row: (-row[2], row[0], row[1] or ""))


def find_web_signatures(session, petition, full_name, email=None):
    """The web signatures of `petition` a person asking for erasure made: with `email`, the one of
    that name and email (by fingerprint); without, every one without an email whose normalised
    name is `full_name`'s. Returns [PetitionSignature], oldest first."""
    query = select(PetitionSignature).where(PetitionSignature.petition == petition, PetitionSignature.channel == WEB)
    if email:
        return list(session.scalars(query.where(PetitionSignature.fingerprint == signer_fingerprint(full_name, email))))
    wanted = matching_key(full_name)
    candidates = session.scalars(query.where(PetitionSignature.fingerprint.is_(None)).order_by(PetitionSignature.id))
    return [signature for signature in candidates if matching_key(signature.full_name) == wanted]


def erase_signatures(session, signatures):
    """Delete `signatures` for good (an erasure request, Kenya DPA 2019 s. 40); returns how many."""
    for signature in signatures:
        session.delete(signature)
    return len(signatures)
