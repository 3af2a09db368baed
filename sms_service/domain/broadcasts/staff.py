"""What staff create: a broadcast to an audience (topics, a school, a CSV list), with a text per
language, at a time or on a recurrence; checked here, with the reason for anything refused."""

from datetime import timedelta

from sqlalchemy import insert

from sms_service.core.clock import as_utc
from sms_service.core.counties import find_county
from sms_service.core.models import Broadcast, BroadcastListNumber
from sms_service.domain.broadcasts.lifecycle import BroadcastError
from sms_service.domain.broadcasts.schedule import EVERY, check_recurrence, next_occurrence
from sms_service.domain.broadcasts.states import BroadcastStatus
from sms_service.domain.campaigns.subscriber_import import MIN_CONSENT_BASIS
from sms_service.domain.quizzes.texts import opening

MAX_TEXT_LENGTH = 1600  # what a message row holds (models.OutboundMessage.text)


def create_broadcast(session, book, *, name, texts, created_by, now, send_at=None, topics=(), language=None,
                     county=None, school=None, numbers=None, urgent=False, recurrence=None, quiz=None,
                     consent_basis=None):
    """A new broadcast (status scheduled, or recurring with `recurrence`) made at `now`; `send_at`
    None is now.

    The audience is `topics` and/or a `school` (with optional `language` and `county` filters) or
    `numbers` (an uploaded list, already E.164), which needs `consent_basis`: how and when the
    people on it agreed (at least MIN_CONSENT_BASIS characters, as a subscriber import). Texts are
    per language; English is required as the fallback. With `quiz`, the texts are that quiz's
    opening and each recipient starts it. BroadcastError with the reason for anything refused.
    """
    school = " ".join((school or "").split()) or None
    if quiz is not None:
        texts = _quiz_opening(book, quiz, texts)
    texts = {language_code: text.strip() for language_code, text in texts.items() if text and text.strip()}
    too_long = sorted(code for code, text in texts.items() if len(text) > MAX_TEXT_LENGTH)
    if too_long:
        raise BroadcastError(f"the {', '.join(too_long)} text is over {MAX_TEXT_LENGTH} characters")
    fallback = book.default_language
    if fallback not in texts:
        name = book.language_names.get(fallback, fallback)
        raise BroadcastError(f"an {name} text is required: it goes to everyone without a text in their language")
    unknown = sorted(set(texts) - set(book.languages))
    if unknown:
        raise BroadcastError(f"no such language: {', '.join(unknown)} (known: {', '.join(book.languages)})")
    if numbers is not None and (topics or language or county or school):
        raise BroadcastError("choose topics or a school (with language/county filters) or a CSV list, not both")
    if numbers is None and not topics and not school:
        raise BroadcastError("choose at least one topic, a school, or a CSV list of numbers")
    if numbers is not None and not numbers:
        raise BroadcastError("the CSV list has no usable numbers")
    consent_basis = " ".join((consent_basis or "").split()) or None
    if numbers is not None and len(consent_basis or "") < MIN_CONSENT_BASIS:
        raise BroadcastError("say how the people on the CSV list agreed to these messages, and when "
                             f"(at least {MIN_CONSENT_BASIS} characters, kept with the broadcast)")
    bad_topics = sorted(set(topics) - set(book.topics))
    if bad_topics:
        raise BroadcastError(f"no such topic: {', '.join(bad_topics)} (known: {', '.join(book.topics)})")
    if language and language not in book.languages:
        raise BroadcastError(f"no such language: {language}")
    if county:
        county_name = find_county(county)
        if county_name is None:
            raise BroadcastError(f"no Kenyan county called {county!r}")
        county = county_name
    if recurrence:
        recurrence = check_recurrence(recurrence)
        if recurrence not in EVERY:  # a cron expression decides the times, the first one too
            start = as_utc(send_at) if send_at else now
            send_at = next_occurrence(recurrence, start, start - timedelta(seconds=1))
    broadcast = Broadcast(
        name=name.strip()[:80] or "untitled", status=BroadcastStatus.RECURRING if recurrence else BroadcastStatus.SCHEDULED,
        topics=sorted(set(topics)), language=language or None, county=county, school=school,
        uses_list=numbers is not None, consent_basis=consent_basis[:500] if numbers is not None else None,
        texts=texts, urgent=urgent, quiz=quiz, send_at=as_utc(send_at) if send_at else now, recurrence=recurrence,
        created_by=created_by, created_at=now, planned_through=0,
    )
    session.add(broadcast)
    session.flush()
    if numbers:
        table = BroadcastListNumber.__table__
        for start in range(0, len(numbers), 5000):
            session.execute(insert(table), [{"broadcast_id": broadcast.id, "phone": number}
                                            for number in numbers[start:start + 5000]])
    return broadcast


def _quiz_opening(book, code, texts):
    """A quiz broadcast's texts: the quiz's own opening (intro and first question) per language."""
    definition = book.quizzes.quizzes.get(code) if book.quizzes else None
    if definition is None:
        known = ", ".join(book.quizzes.quizzes) if book.quizzes else ""
        raise BroadcastError(f"no such quiz: {code} (known: {known})")
    if any(text and text.strip() for text in texts.values()):
        raise BroadcastError("a quiz broadcast sends the quiz's first question: give no text of your own")
    return {language: opening(book, definition, 0, language) for language in book.languages}
