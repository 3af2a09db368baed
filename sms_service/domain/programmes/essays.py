"""Essay competitions: staff publish one (title and theme per language, deadline, how essays are
submitted), students of registered schools (a contact confirmed guardians' consent:
domain/schools/registry.py) enter by SMS or USSD and get the theme, reminders
(essay_timers.py) and, at the end, the results.

One competition is open at a time, so that ESSAY needs no name. A student enters once; no name is
kept (the essay carries it), only the number, the school and its county.
"""

from datetime import timedelta

from sqlalchemy import delete, func, select, update

from sms_service.core.clock import NAIROBI, as_utc, show_local
from sms_service.core.gsm7 import describe_text
from sms_service.core.models import EssayCompetition, EssayEntrant, Subscriber
from sms_service.core.typed_text import fold_to_gsm7, matching_key
from sms_service.domain.messaging.outbox import queue_message
from sms_service.domain.programmes.texts import DEADLINE_FORMAT, EMAIL_MAX, RESULTS_MAX, THEME_MAX, TITLE_MAX, reply

OPEN, ANNOUNCED = "open", "announced"
PAPER, EMAIL = "paper", "email"
ENTERED, ALREADY_ENTERED, NONE_OPEN, NEEDS_SCHOOL = "entered", "already_entered", "none_open", "needs_school"
SCHOOL_NOT_REGISTERED = "school_not_registered"
THEME_PURPOSE, REMINDER_PURPOSE, RESULTS_PURPOSE = "essay_theme", "essay_reminder", "essay_results"
# One competition is open at a time: a deadline years away (9999-12-31, a typo) would block all others.
DEADLINE_AHEAD_MAX = timedelta(days=2 * 365)


class EssayError(ValueError):
    """What staff asked for cannot be done; the message says why, for the form."""


def _texts(raw, languages, what, longest):
    """{language: text} folded to GSM-7 (it goes by SMS), each given and at most `longest` long."""
    texts = {}
    for language in languages:
        text = fold_to_gsm7(" ".join((raw.get(language) or "").split()))
        if not text:
            raise EssayError(f"The {what} needs a {language} text.")
        if len(text) > longest or not describe_text(text).is_gsm7:
            raise EssayError(f"The {language} {what} is over {longest} characters.")
        texts[language] = text
    return texts


def publish(session, *, title, theme, deadline, submission, submit_email, languages, staff, now):
    """A new open competition; EssayError when a field is missing or too long, the deadline is
    not in the future or more than DEADLINE_AHEAD_MAX (2 years) after `now`, or another
    competition is still open."""
    if find_open(session, now) is not None:
        raise EssayError("Another competition is still open: one at a time, so that ESSAY needs no name.")
    if as_utc(deadline) <= now:
        raise EssayError("The deadline must be in the future.")
    if as_utc(deadline) > now + DEADLINE_AHEAD_MAX:
        raise EssayError(f"The deadline must be within 2 years: {show_local(now + DEADLINE_AHEAD_MAX)} at the latest.")
    if submission not in (PAPER, EMAIL):
        raise EssayError("Say how essays are submitted: on paper or by email.")
    email = (submit_email or "").strip()
    if submission == EMAIL and ("@" not in email or len(email) > EMAIL_MAX or " " in email):
        raise EssayError(f"Give the email address essays go to (at most {EMAIL_MAX} characters).")
    competition = EssayCompetition(
        title=_texts(title, languages, "title", TITLE_MAX), theme=_texts(theme, languages, "theme", THEME_MAX),
        deadline=as_utc(deadline), submission=submission, submit_email=email if submission == EMAIL else None,
        status=OPEN, created_at=now, created_by=staff,
    )
    session.add(competition)
    session.flush()
    return competition


def find_open(session, now):
    """The competition open for entries at `now` (deadline not passed), or None."""
    return session.scalars(
        select(EssayCompetition).where(EssayCompetition.status == OPEN, EssayCompetition.deadline > now)
        .order_by(EssayCompetition.deadline, EssayCompetition.id).limit(1)
    ).first()


def is_entered(session, competition, phone):
    return session.scalar(select(func.count()).where(EssayEntrant.competition_id == competition.id,
                                                      EssayEntrant.phone == phone)) > 0


def has_school(session, phone):
    """True when `phone` registered its school and county (SCHOOL, or the USSD screens)."""
    return session.scalar(select(func.count()).where(Subscriber.phone == phone, Subscriber.school.is_not(None),
                                                     Subscriber.county.is_not(None))) > 0


def enter(session, competition, phone, language, channel, now):
    """Enter `phone` with its registered school; (outcome, entrant). Outcomes: entered,
    already_entered, needs_school (no school given yet), school_not_registered (its school has no
    record whose contact confirmed guardians' consent, Data Protection Act 2019 s.33); nothing is
    kept but on `entered`."""
    entrant = session.scalars(select(EssayEntrant).where(EssayEntrant.competition_id == competition.id,
                                                         EssayEntrant.phone == phone)).first()
    if entrant is not None:
        return ALREADY_ENTERED, entrant
    subscriber = session.scalars(select(Subscriber).where(Subscriber.phone == phone)).first()
    if subscriber is None or not subscriber.school or not subscriber.county:
        return NEEDS_SCHOOL, None
    if subscriber.school_id is None:
        return SCHOOL_NOT_REGISTERED, None
    entrant = EssayEntrant(competition_id=competition.id, phone=phone, school=subscriber.school,
                           school_id=subscriber.school_id,
                           school_key=subscriber.school_key or matching_key(subscriber.school), county=subscriber.county,
                           language=language, channel=channel, entered_at=now,
                           theme_sent_at=now if channel == "sms" else None)
    session.add(entrant)
    session.flush()
    return ENTERED, entrant


def deadline_text(competition):
    return as_utc(competition.deadline).astimezone(NAIROBI).strftime(DEADLINE_FORMAT)


def fields(book, competition, language):
    """What the essay replies fill in: competition (its title), theme, deadline and how to submit, in `language`."""
    def pick(texts):
        return texts.get(language) or texts[book.default_language]

    if competition.submission == EMAIL:
        submit = reply(book, "essay_submit_email", language, email=competition.submit_email)
    else:
        submit = reply(book, "essay_submit_paper", language)
    return {"competition": pick(competition.title), "theme": pick(competition.theme), "deadline": deadline_text(competition),
            "submit": submit}


def queue_to_entrants(session, book, competition, key, purpose, now, entrants=None, **values):
    """Queue reply `key` to each entrant (or to `entrants`) in their language; message ids."""
    if entrants is None:
        entrants = session.scalars(select(EssayEntrant).where(EssayEntrant.competition_id == competition.id)
                                   .order_by(EssayEntrant.id)).all()
    ids = []
    for entrant in entrants:
        language = entrant.language
        filled = {name: (texts.get(language) or texts[book.default_language]) if isinstance(texts, dict) else texts
                  for name, texts in values.items()}
        text = reply(book, key, language, **fields(book, competition, language), **filled)
        ids.append(queue_message(session, entrant.phone, text, purpose, now).id)
    return ids


def announce(session, book, competition_id, results, languages, staff, now):
    """Announce the results (text per language) to every entrant, once, after the deadline;
    message ids. EssayError when it is not open, not past its deadline, or a text is missing."""
    competition = session.get(EssayCompetition, competition_id)
    if competition is None:
        raise EssayError(f"There is no competition {competition_id}.")
    if as_utc(competition.deadline) > now:
        raise EssayError("Results can be announced after the deadline.")
    texts = _texts(results, languages, "results announcement", RESULTS_MAX)
    claimed = session.execute(
        update(EssayCompetition).where(EssayCompetition.id == competition_id, EssayCompetition.status == OPEN)
        .values(status=ANNOUNCED, results=texts, announced_at=now).execution_options(synchronize_session=False)
    ).rowcount
    if not claimed:
        raise EssayError("The results of this competition were announced already.")
    session.refresh(competition)
    return queue_to_entrants(session, book, competition, "essay_results", RESULTS_PURPOSE, now, results=texts)


def competitions(session):
    """Every competition with its entrant count, newest first: [(competition, entrants)]."""
    counts = dict(session.execute(select(EssayEntrant.competition_id, func.count()).group_by(EssayEntrant.competition_id)).all())
    found = session.scalars(select(EssayCompetition).order_by(EssayCompetition.id.desc())).all()
    return [(competition, counts.get(competition.id, 0)) for competition in found]


def entrants_by_school(session, competition_id):
    """[(county, school, entrants)] by county then school: what staff see (no number, no name)."""
    first_form = func.min(EssayEntrant.school)
    return session.execute(
        select(EssayEntrant.county, first_form, func.count())
        .where(EssayEntrant.competition_id == competition_id)
        .group_by(EssayEntrant.county, EssayEntrant.school_key)
        .order_by(EssayEntrant.county, first_form)
    ).all()


EXPORT_HEADER = ["county", "school", "entrant", "language", "channel", "entered"]


def export_rows(session, competition_id, pseudonym):
    """One row per entrant, by county, school and entry (EXPORT_HEADER): the entrant as a
    pseudonym (`pseudonym(phone)`), never the number or a name: students are often minors."""
    entrants = session.scalars(
        select(EssayEntrant).where(EssayEntrant.competition_id == competition_id)
        .order_by(EssayEntrant.county, EssayEntrant.school_key, EssayEntrant.id)
    )
    for entrant in entrants:
        yield (entrant.county, entrant.school, pseudonym(entrant.phone), entrant.language, entrant.channel,
               show_local(entrant.entered_at))


def erase_phone(session, phone):
    """Erasure: delete every essay entry of `phone` (E.164); how many were deleted."""
    return session.execute(delete(EssayEntrant).where(EssayEntrant.phone == phone)).rowcount


REMINDERS = (("week_reminder_at", timedelta(days=7)), ("day_reminder_at", timedelta(days=1)))
