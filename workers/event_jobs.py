"""Event jobs: the sweep that sends reminders, notices of changes and cancellations, and news of
a place freed from the waiting list (sms_service/domain/events/reminders.py)."""

from sms_service.domain.events.reminders import send_notices, send_promotions, send_reminders
from workers import context
from workers.sms_jobs import SEND_JOB


def sweep():
    """Queue what is due by the services' clock, then send it; safe to run twice."""
    services = context.services()
    book, now = services.flow_book, services.clock.now()
    with services.database.write_transaction() as session:
        notices = send_notices(session, book, now)
        promotions = send_promotions(session, book, now)
        reminders = send_reminders(session, book, now)
    for message_id in notices + promotions + reminders:
        services.queue.enqueue(SEND_JOB, message_id, job_id=f"send-{message_id}")
    return {"notices": len(notices), "promotions": len(promotions), "reminders": len(reminders)}
