"""What the workers' sweep sends about events, as `transactional` messages (inside
TRANSACTIONAL_SEND_WINDOW, STOP checked at send time), in each person's language:

    evening   the evening before, from 18:00 Nairobi time, to those registered before then
    soon      two hours before the start, when that falls between 07:00 and 21:00 Nairobi time
    notices   a change of time or venue, or a cancellation, to everyone registered or waiting
              (each registration remembers the event revision it was told of); and a place
              freed for the first in the waiting list

Each message is claimed by a conditional UPDATE in the transaction that queues it, so a sweep run
twice, or two at once, sends each once.
"""

from datetime import datetime, time, timedelta

from sqlalchemy import select, update

from sms_service.core.clock import NAIROBI, as_utc
from sms_service.core.models import Event, EventRegistration, Subscriber
from sms_service.domain.events import texts
from sms_service.domain.events.registrations import REGISTERED, WAITING
from sms_service.domain.events.states import CANCELLED, SCHEDULED
from sms_service.domain.messaging.outbox import queue_message

SWEEP_JOB = "workers.event_jobs.sweep"
SWEEP_QUEUED_KEY = "events:sweep-queued"
EVENING = time(18, 0)
SOON = timedelta(hours=2)
SOON_HOURS = (time(7, 0), time(21, 0))  # a two-hour reminder only when it falls in these hours
BATCH = 500
REMINDER, NOTICE = "event_reminder", "event_notice"  # message purposes (messaging/kinds.py)


def evening_before(starts_at):
    """18:00 Nairobi on the day before the event's Nairobi date, as UTC."""
    day_before = as_utc(starts_at).astimezone(NAIROBI).date() - timedelta(days=1)
    return as_utc(datetime.combine(day_before, EVENING, tzinfo=NAIROBI))


def soon_before(starts_at):
    """Two hours before the start, or None when that is outside 07:00-21:00 Nairobi."""
    due = as_utc(starts_at) - SOON
    local = due.astimezone(NAIROBI).time()
    return due if SOON_HOURS[0] <= local <= SOON_HOURS[1] else None


def _language(session, phone, fallback):
    return session.scalar(select(Subscriber.language).where(Subscriber.phone == phone)) or fallback


def _message(session, book, registration, event, key, purpose, now):
    language = _language(session, registration.phone, book.default_language)
    if language not in book.languages:
        language = book.default_language
    text = book.sms.reply(key, language).format(**texts.values(event, language))
    return queue_message(session, registration.phone, text, purpose, now).id


def _claim(session, registration_id, column, **where):
    conditions = [EventRegistration.id == registration_id]
    conditions += [getattr(EventRegistration, name) == value for name, value in where.items()]
    return session.execute(update(EventRegistration).where(*conditions).values(**column)
                           .execution_options(synchronize_session=False)).rowcount == 1


def send_reminders(session, book, now):
    """Queue the evening-before and two-hours-before reminders due at `now`; message ids.

    Each event's registrations still owed the reminder due now are read in pages of BATCH by id
    (keyset), so that a large event is covered in one sweep and people registered too late for a
    reminder never hold back those after them."""
    due_events = session.scalars(select(Event).where(Event.status == SCHEDULED, Event.starts_at > now,
                                                     Event.starts_at <= now + timedelta(days=2))
                                 .order_by(Event.id)).all()
    message_ids = []
    for event in due_events:
        soon, evening = soon_before(event.starts_at), evening_before(event.starts_at)
        if soon is not None and now >= soon:  # one reminder when both are due (a late sweep): the nearer one
            threshold, owed, claim, key = soon, EventRegistration.soon_reminded, \
                {"soon_reminded": True, "evening_reminded": True}, "event_reminder_soon"
        elif now >= evening:
            threshold, owed, claim, key = evening, EventRegistration.evening_reminded, \
                {"evening_reminded": True}, "event_reminder_evening"
        else:
            continue
        after_id = 0
        while True:
            rows = session.scalars(select(EventRegistration).where(
                EventRegistration.event_id == event.id, EventRegistration.status == REGISTERED, owed.is_(False),
                EventRegistration.id > after_id).order_by(EventRegistration.id).limit(BATCH)).all()
            if not rows:
                break
            after_id = rows[-1].id
            for registration in rows:
                if as_utc(registration.queued_at) < threshold and \
                        _claim(session, registration.id, claim, **{owed.key: False}):
                    message_ids.append(_message(session, book, registration, event, key, REMINDER, now))
    return message_ids


def send_notices(session, book, now):
    """Tell everyone registered or waiting of a change or cancellation they were not told of."""
    rows = session.execute(
        select(EventRegistration.id, EventRegistration.notified_revision, Event.id, Event.revision)
        .join(Event, Event.id == EventRegistration.event_id)
        .where(EventRegistration.status.in_((REGISTERED, WAITING)),
               EventRegistration.notified_revision < Event.revision)
        .order_by(EventRegistration.id).limit(BATCH)).all()
    message_ids = []
    for registration_id, told, event_id, revision in rows:
        if not _claim(session, registration_id, {"notified_revision": revision}, notified_revision=told):
            continue
        event, registration = session.get(Event, event_id), session.get(EventRegistration, registration_id)
        if event.status == CANCELLED:
            key = "event_cancelled"
        elif as_utc(event.starts_at) <= now:
            continue  # over: a change after the start tells nobody anything useful
        else:
            key = "event_changed"
        message_ids.append(_message(session, book, registration, event, key, NOTICE, now))
    return message_ids


def send_promotions(session, book, now):
    """Tell each registration moved up from the waiting list that it has a place, once."""
    rows = session.scalars(select(EventRegistration).where(
        EventRegistration.status == REGISTERED, EventRegistration.promoted_at.is_not(None),
        EventRegistration.promotion_told.is_(False)).order_by(EventRegistration.id).limit(BATCH)).all()
    message_ids = []
    for registration in rows:
        if not _claim(session, registration.id, {"promotion_told": True}, promotion_told=False):
            continue
        event = session.get(Event, registration.event_id)
        if event.status == SCHEDULED and as_utc(event.starts_at) > now:
            message_ids.append(_message(session, book, registration, event, "event_promoted", NOTICE, now))
    return message_ids
