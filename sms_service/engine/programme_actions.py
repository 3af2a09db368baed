"""The school programmes' actions (booklets for teachers, essay competitions): what the USSD
screens under home option 8 and the SMS keywords BOOKLET and ESSAY run, each a thin call into
domain/programmes/."""

from sms_service.domain.programmes import booklets, essays
from sms_service.domain.programmes.texts import LONGEST_FIELDS, TITLE_MAX
from sms_service.domain.quizzes import schools

# What the essay screens show, and the longest value each can take (for `flask flows check`).
ESSAY_FIELDS = {"essay_title": "W" * TITLE_MAX, "essay_deadline": LONGEST_FIELDS["deadline"]}
BOOKLET_FIELDS = {"max_pupils": "999"}
SCHOOL_KNOWN = "school_known"


def request_booklets(context):
    """A teacher's request: answers booklet, pupils, school, county, address."""
    answers = context.answers
    answers["max_pupils"] = context.book.booklet_max_pupils
    outcome, found = booklets.request_booklets(
        context.session, phone=context.phone, booklet=answers["booklet"], pupils=answers["pupils"],
        school=answers["school"], county=answers["county"], address=answers["address"], language=context.language,
        channel=context.channel, now=context.now, max_pupils=context.book.booklet_max_pupils,
    )
    if found is not None:  # the request as kept: a repeat shows the school as first typed
        answers.update(school=found.school, pupils=found.pupils)
    return outcome


def _open_competition(context):
    competition = essays.find_open(context.session, context.now)
    if competition is not None:
        shown = essays.fields(context.book, competition, context.language)
        context.answers.update(essay_title=shown["competition"], essay_deadline=shown["deadline"])
    return competition


def check_essay(context):
    """Before asking anything: is a competition open, is this number in it, has it a school?"""
    competition = _open_competition(context)
    if competition is None:
        return essays.NONE_OPEN
    if essays.is_entered(context.session, competition, context.phone):
        return essays.ALREADY_ENTERED
    return SCHOOL_KNOWN if essays.has_school(context.session, context.phone) else essays.NEEDS_SCHOOL


def enter_essay(context):
    """Enter the open competition with the registered school, registering the school typed
    (answers school and county, when given) for a number that has none."""
    competition = _open_competition(context)
    if competition is None:
        return essays.NONE_OPEN
    school, county = context.answers.get("school"), context.answers.get("county")
    if school and county:
        schools.register_school(context.session, context.phone, school, county, context.language)
    outcome, _ = essays.enter(context.session, competition, context.phone, context.language, context.channel,
                              context.now)
    return outcome
