"""School programme jobs: the essay sweep (themes to USSD entrants, deadline reminders)."""

from sms_service.domain.programmes.essay_timers import send_reminders, send_themes
from workers import context
from workers.sms_jobs import SEND_JOB


def essay_sweep():
    """Queue what is due by the services' clock, then the sends; safe to run twice (essay_timers.py)."""
    services = context.services()
    book, now = services.flow_book, services.clock.now()
    with services.database.write_transaction() as session:
        themes = send_themes(session, book, now)
        reminders = send_reminders(session, book, now)
    for message_id in themes + reminders:
        services.queue.enqueue(SEND_JOB, message_id, job_id=f"send-{message_id}")
    return {"themes": len(themes), "reminders": len(reminders)}
