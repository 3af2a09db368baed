"""Durable records. Times are stored in UTC."""

from datetime import datetime, timezone

from sqlalchemy import Boolean, DateTime, ForeignKey, Integer, String, UniqueConstraint
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column


def utcnow():
    return datetime.now(timezone.utc)


class Base(DeclarativeBase):
    pass


class Subscriber(Base):
    """A phone number we know, with the language and county it told us."""

    __tablename__ = "subscribers"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    phone: Mapped[str] = mapped_column(String(16), unique=True)  # E.164
    language: Mapped[str] = mapped_column(String(8), default="en")
    county: Mapped[str | None] = mapped_column(String(32))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(
        DateTime(timezone=True), default=utcnow, onupdate=utcnow
    )


class Consent(Base):
    """One grant or withdrawal of consent, kept as a ledger (Kenya's Data Protection Act 2019)."""

    __tablename__ = "consents"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    subscriber_id: Mapped[int] = mapped_column(ForeignKey("subscribers.id"), index=True)
    purpose: Mapped[str] = mapped_column(String(64))  # e.g. "petition:att", "updates:torture"
    granted: Mapped[bool] = mapped_column(Boolean)
    channel: Mapped[str] = mapped_column(String(16))  # "ussd", "sms", ...
    recorded_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class Subscription(Base):
    """A subscriber's wish to receive SMS updates on one campaign topic."""

    __tablename__ = "subscriptions"
    __table_args__ = (UniqueConstraint("subscriber_id", "topic"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    subscriber_id: Mapped[int] = mapped_column(ForeignKey("subscribers.id"), index=True)
    topic: Mapped[str] = mapped_column(String(32), index=True)
    consent_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    channel: Mapped[str] = mapped_column(String(16))
    withdrawn_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))


class PetitionSignature(Base):
    """One signature: at most one per number per petition."""

    __tablename__ = "petition_signatures"
    __table_args__ = (UniqueConstraint("petition", "subscriber_id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    petition: Mapped[str] = mapped_column(String(32), index=True)
    subscriber_id: Mapped[int] = mapped_column(ForeignKey("subscribers.id"), index=True)
    full_name: Mapped[str] = mapped_column(String(64))
    county: Mapped[str] = mapped_column(String(32))
    consent_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    channel: Mapped[str] = mapped_column(String(16))
    signed_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
