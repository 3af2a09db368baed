"""A student's school and county, registered once, so quiz scores count on school leaderboards."""

from sms_service.campaigns.subscribers import get_or_create_subscriber
from sms_service.flows.validators import Refused, VALIDATORS

REGISTERED, ALREADY_REGISTERED = "registered", "already_registered"


def read_registration(text):
    """(school, county) from "Moi Girls Eldoret, Uasin Gishu"; None when either is missing or unknown."""
    if "," not in text:
        return None
    school_part, county_part = text.rsplit(",", 1)
    try:
        school = VALIDATORS["school"].parse(school_part)
        county = VALIDATORS["county"].parse(county_part)
    except Refused:
        return None
    return school, county


def register_school(session, phone, school, county, language):
    """Record the number's school and county once; a second registration changes nothing."""
    subscriber = get_or_create_subscriber(session, phone, language)
    if subscriber.school:
        return ALREADY_REGISTERED, subscriber
    subscriber.school, subscriber.county = school, county
    return REGISTERED, subscriber

