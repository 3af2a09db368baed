"""What the service keeps about one number, in a few figures: for the person asking ("MY DATA",
USSD "My account") and for an admin before an erasure. Reads only."""

from dataclasses import dataclass

from sqlalchemy import func, select

from sms_service.core.models import (
    BookletRequest,
    EssayEntrant,
    EventRegistration,
    InboundMessage,
    OutboundMessage,
    PetitionSignature,
    QuizAttempt,
    School,
    Subscriber,
    Subscription,
)


@dataclass(frozen=True)
class StoredAbout:
    """One number's records. `known` False: nothing at all is kept about it."""

    known: bool
    language: str | None = None
    county: str | None = None
    school: str | None = None
    opted_out: bool = False
    topics: tuple = ()  # topics subscribed to now, sorted
    signatures: int = 0  # petitions signed
    quiz_attempts: int = 0
    texts_received: int = 0  # texts from the number, with their text still kept
    texts_sent: int = 0  # texts to the number, with their text still kept
    # School programme records: event registrations, booklet requests, essay entries, and schools
    # the number is the contact of.
    programmes: int = 0


def stored_about(session, phone):
    """The StoredAbout of `phone` (E.164)."""
    subscriber = session.execute(select(Subscriber).where(Subscriber.phone == phone)).scalar()
    count = session.scalar
    received = count(select(func.count()).where(InboundMessage.phone == phone, InboundMessage.text != ""))
    sent = count(select(func.count()).where(OutboundMessage.phone == phone, OutboundMessage.text != ""))
    attempts = count(select(func.count()).where(QuizAttempt.phone == phone))
    programmes = sum(count(select(func.count()).where(column == phone)) for column in (
        EventRegistration.phone, BookletRequest.phone, EssayEntrant.phone, School.contact_phone))
    if subscriber is None:
        return StoredAbout(known=bool(received or sent or attempts or programmes), quiz_attempts=attempts,
                           texts_received=received, texts_sent=sent, programmes=programmes)
    topics = session.scalars(select(Subscription.topic).where(Subscription.subscriber_id == subscriber.id,
                                                              Subscription.withdrawn_at.is_(None))
                             .order_by(Subscription.topic)).all()
    signatures = count(select(func.count()).where(PetitionSignature.subscriber_id == subscriber.id))
    return StoredAbout(known=True, language=subscriber.language, county=subscriber.county, school=subscriber.school,
                       opted_out=subscriber.suppressed_at is not None, topics=tuple(topics), signatures=signatures,
                       quiz_attempts=attempts, texts_received=received, texts_sent=sent, programmes=programmes)
