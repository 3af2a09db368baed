"""STOP: a number that opted out receives nothing more until it texts JOIN again.

The suppression list has two parts: subscribers with `suppressed_at` set, and the keyed hashes
(services.phone_keys, core/pseudonyms.py) of numbers that opted out and were then erased
(`erased_opt_outs`): nothing else is kept about those people, yet they stay out. Every check
here takes `keys` (a PhoneKeys) for that second part.
"""

from sqlalchemy import delete, select, update

from sms_service.core.models import ErasedOptOut, Subscriber, Subscription
from sms_service.domain.campaigns.consents import record_consent
from sms_service.domain.campaigns.subscribers import get_or_create_subscriber


def suppress(session, phone, channel, language, now):
    """Opt `phone` out of everything at `now` (the service's clock); True if it was not opted out
    already."""
    subscriber = get_or_create_subscriber(session, phone, language)
    if subscriber.suppressed_at is not None:
        return False
    subscriber.suppressed_at = now
    session.execute(
        update(Subscription)
        .where(Subscription.subscriber_id == subscriber.id, Subscription.withdrawn_at.is_(None))
        .values(withdrawn_at=now)
    )
    record_consent(session, subscriber, "updates:all", False, channel, now)
    return True


def suppressed_among(session, phones, keys):
    """Those of `phones` that opted out (STOP, or erased after STOP): checked at send time, for a
    batch at once."""
    phones = list(phones)
    found = set(session.scalars(
        select(Subscriber.phone).where(Subscriber.phone.in_(phones), Subscriber.suppressed_at.is_not(None))
    ))
    return found | erased_among(session, phones, keys)


def is_suppressed(session, phone, keys):
    return bool(suppressed_among(session, [phone], keys))


def erased_among(session, phones, keys):
    """Those of `phones` whose keyed hash is in the erased opt-outs."""
    by_key = {keys.key(phone): phone for phone in phones if phone}
    if not by_key:
        return set()
    found = set()
    listed = list(by_key)
    for start in range(0, len(listed), 500):  # under every driver's limit on parameters
        found.update(session.scalars(select(ErasedOptOut.key).where(ErasedOptOut.key.in_(listed[start:start + 500]))))
    return {by_key[key] for key in found}


def keep_erased_opt_out(session, phone, keys, now):
    """Remember that the (about to be erased) `phone` opted out, by its keyed hash only."""
    key = keys.key(phone)
    if session.get(ErasedOptOut, key) is None:
        session.add(ErasedOptOut(key=key, erased_at=now))


def restore_erased_opt_out(session, phone, keys, language, now):
    """An erased number that opted out is heard from again: it becomes an ordinary opted-out
    subscriber (so JOIN works as for anyone) and its keyed hash leaves the list. True if it was
    on the list."""
    key = keys.key(phone)
    if session.get(ErasedOptOut, key) is None:
        return False
    subscriber = get_or_create_subscriber(session, phone, language)
    if subscriber.suppressed_at is None:
        subscriber.suppressed_at = now
    session.execute(delete(ErasedOptOut).where(ErasedOptOut.key == key))
    return True
