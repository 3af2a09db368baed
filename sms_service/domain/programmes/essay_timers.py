"""The essay sweep, queued by the workers' clock every ESSAY_SWEEP_SECONDS: the theme to whoever
entered by USSD (an SMS entry gets it in its reply), and a reminder to every entrant a week and a
day before the deadline.

Each reminder is claimed by a conditional UPDATE of its competition, and each theme of its
entrant, in the transaction that queues the messages: a sweep run twice, or two at once, sends
each once. A reminder whose time came before the competition was published (the week's, for one
published five days before its deadline) is skipped, and so is one overtaken by the next (the
week's, when no sweep ran between a week and a day before): never a reminder late.
"""

from sqlalchemy import select, update

from sms_service.core.clock import as_utc
from sms_service.core.models import EssayCompetition, EssayEntrant
from sms_service.domain.programmes.essays import (
    OPEN,
    REMINDER_PURPOSE,
    REMINDERS,
    THEME_PURPOSE,
    queue_to_entrants,
)

SWEEP_JOB = "workers.programme_jobs.essay_sweep"
SWEEP_QUEUED_KEY = "essays:sweep-queued"
BATCH = 500  # themes per sweep; the next sweep takes the rest


def send_reminders(session, book, now):
    """Queue the reminders due at `now` to every entrant of every open competition; message ids."""
    message_ids = []
    competitions = session.scalars(select(EssayCompetition).where(EssayCompetition.status == OPEN,
                                                                  EssayCompetition.deadline > now)
                                   .order_by(EssayCompetition.id)).all()
    for competition in competitions:
        deadline = as_utc(competition.deadline)
        due = [(column, before) for column, before in REMINDERS
               if getattr(competition, column) is None and now >= deadline - before]
        for index, (column, before) in enumerate(due):
            claimed = session.execute(
                update(EssayCompetition).where(EssayCompetition.id == competition.id,
                                               getattr(EssayCompetition, column).is_(None))
                .values({column: now}).execution_options(synchronize_session=False)
            ).rowcount
            # Only the latest reminder due is sent, and only if its time came after publication.
            published_before = as_utc(competition.created_at) <= deadline - before
            if claimed and index == len(due) - 1 and published_before:
                message_ids += queue_to_entrants(session, book, competition, "essay_reminder", REMINDER_PURPOSE, now)
    return message_ids


def send_themes(session, book, now):
    """Queue the theme to entrants of open competitions who have not had it (USSD entries); ids."""
    waiting = session.execute(
        select(EssayEntrant, EssayCompetition)
        .join(EssayCompetition, EssayCompetition.id == EssayEntrant.competition_id)
        .where(EssayEntrant.theme_sent_at.is_(None), EssayCompetition.status == OPEN, EssayCompetition.deadline > now)
        .order_by(EssayEntrant.id).limit(BATCH)
    ).all()
    message_ids = []
    for entrant, competition in waiting:
        claimed = session.execute(
            update(EssayEntrant).where(EssayEntrant.id == entrant.id, EssayEntrant.theme_sent_at.is_(None))
            .values(theme_sent_at=now).execution_options(synchronize_session=False)
        ).rowcount
        if claimed:
            message_ids += queue_to_entrants(session, book, competition, "essay_entered", THEME_PURPOSE, now,
                                             entrants=[entrant])
    return message_ids
