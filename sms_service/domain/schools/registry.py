"""Schools registered by a teacher or school contact (TEACHER by SMS, or staff in the console).

Most students are minors: under Kenya's Data Protection Act 2019 s.33 their data needs a parent's
or guardian's consent and as little data as works. So the contact confirms, on the school's
behalf, that guardians consented (TEACHER YES, or the console's box), and only then are the
school's students (SCHOOL <school>, <county>) linked to its record. Students give no name; the
school is matched as a student types it (core/typed_text.py `matching_key`, with the county).
"""

from sqlalchemy import select, update

from sms_service.core.models import School, Subscriber
from sms_service.core.typed_text import matching_key

# Outcomes, as the one action registry and the SMS replies name them.
NEEDS_CONSENT, REGISTERED, OTHER_CONTACT = "needs_consent", "registered", "other_contact"
CONFIRMED, NOTHING_TO_CONFIRM = "confirmed", "nothing_to_confirm"


def find_school(session, name, county):
    return session.scalar(select(School).where(School.name_key == matching_key(name), School.county == county))


def register_contact(session, name, county, contact_name, contact_phone, channel, now, consent=False):
    """Record a school with its contact; (outcome, School). A school registered by another
    contact stays theirs (OTHER_CONTACT). With `consent` (the console's box) it is confirmed at once."""
    school = find_school(session, name, county)
    if school is not None and school.contact_phone not in (None, contact_phone):
        return OTHER_CONTACT, school
    if school is None:
        school = School(name=name, name_key=matching_key(name), county=county, channel=channel, registered_at=now)
        session.add(school)
    school.contact_name, school.contact_phone = contact_name, contact_phone
    session.flush()
    if consent:
        _confirm(session, school, now)
    return (REGISTERED if school.consent_confirmed_at else NEEDS_CONSENT), school


def confirm_consent(session, contact_phone, now):
    """TEACHER YES: the contact confirms guardians' consent for their schools awaiting it;
    (outcome, the last school confirmed or None)."""
    waiting = session.scalars(select(School).where(School.contact_phone == contact_phone,
                                                   School.consent_confirmed_at.is_(None)).order_by(School.id)).all()
    for school in waiting:
        _confirm(session, school, now)
    return (CONFIRMED, waiting[-1]) if waiting else (NOTHING_TO_CONFIRM, None)


def _confirm(session, school, now):
    school.consent_confirmed_at = now
    session.execute(update(Subscriber).where(Subscriber.school_key == school.name_key, Subscriber.county == school.county)
                    .values(school_id=school.id).execution_options(synchronize_session=False))


def school_of_contact(session, contact_phone, name, county):
    """The school `name`, `county` (however typed) whose registered contact is `contact_phone`
    (E.164), or None: what a teacher may request booklets for."""
    school = find_school(session, name, county)
    return school if school is not None and school.contact_phone == contact_phone else None


def confirmed_school_id(session, school_key, county):
    """The id of the consented school a student's SCHOOL registration names, or None."""
    return session.scalar(select(School.id).where(School.name_key == school_key, School.county == county,
                                                  School.consent_confirmed_at.is_not(None)))


def erase_school_contacts(session, phone):
    """Erase `phone` (E.164) as a school's contact, its name with it; the school and its consent
    record stay (they are the school's, not the person's). How many schools it was contact of."""
    return session.execute(update(School).where(School.contact_phone == phone)
                           .values(contact_phone=None, contact_name=None)
                           .execution_options(synchronize_session=False)).rowcount
