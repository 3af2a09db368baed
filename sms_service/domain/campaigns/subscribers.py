"""Subscribers: one row per phone number, created on first need."""

from sqlalchemy import bindparam, select
from sqlalchemy.exc import IntegrityError

from sms_service.core.models import Subscriber

# Built once: the USSD first hop runs it for every new session.
_LANGUAGE_OF = select(Subscriber.language).where(Subscriber.phone == bindparam("phone"))


def find_language(connection, phone):
    """The language this number chose before, or None. Takes a Session or a Core connection:
    the USSD first hop uses a bare connection, as an ORM session costs more than the query."""
    return connection.execute(_LANGUAGE_OF, {"phone": phone}).scalar()


def get_or_create_subscriber(session, phone, language):
    """The subscriber for `phone`, created with `language` if new (safe against a concurrent insert)."""
    subscriber = session.execute(select(Subscriber).where(Subscriber.phone == phone)).scalar()
    if subscriber is not None:
        return subscriber
    try:
        with session.begin_nested():
            subscriber = Subscriber(phone=phone, language=language)
            session.add(subscriber)
        return subscriber
    except IntegrityError:
        return session.execute(select(Subscriber).where(Subscriber.phone == phone)).scalar_one()


def set_language(session, phone, language):
    subscriber = get_or_create_subscriber(session, phone, language)
    subscriber.language = language
    return subscriber
