"""A student's school and county, registered once, so quiz scores count on school leaderboards.

A school is one school however it is typed: it is keyed on core/typed_text.py `matching_key` of
its name and on its county (many schools share a name), and shown in the first form anyone typed.
"""

from sqlalchemy import func, select

from sms_service.core.models import Subscriber
from sms_service.core.typed_text import matching_key
from sms_service.domain.campaigns.subscribers import get_or_create_subscriber
from sms_service.domain.schools.registry import confirmed_school_id

REGISTERED, ALREADY_REGISTERED = "registered", "already_registered"


def register_school(session, phone, school, county, language):
    """Record the number's school and county once; a second registration changes nothing.

    "St. Mary’s Girls" after "St Mary's girls" (same county) is that school, in its first form."""
    subscriber = get_or_create_subscriber(session, phone, language)
    if subscriber.school:
        return ALREADY_REGISTERED, subscriber
    key = matching_key(school)
    first_form = session.scalar(
        select(Subscriber.school).where(Subscriber.school_key == key, Subscriber.county == county)
        .order_by(Subscriber.id).limit(1)
    )
    subscriber.school, subscriber.school_key, subscriber.county = first_form or school, key, county
    # Linked to the school's record when its contact registered it and confirmed guardians' consent.
    subscriber.school_id = confirmed_school_id(session, key, county)
    return REGISTERED, subscriber



def registered_schools(session, limit=500):
    """The schools students registered, each once in its first form, by name: what staff pick a
    school audience from (a broadcast matches the name however it is typed)."""
    first_ids = select(func.min(Subscriber.id)).where(Subscriber.school_key.is_not(None)).group_by(Subscriber.school_key)
    return session.scalars(select(Subscriber.school).where(Subscriber.id.in_(first_ids))
                           .order_by(Subscriber.school).limit(limit)).all()
