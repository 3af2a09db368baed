"""Quiz jobs: the sweep that sends reminders and closes quizzes left unanswered."""

from sms_service.domain.quizzes.timers import QuizTimings, expire_silent, send_reminders
from workers import context
from workers.sms_jobs import SEND_JOB


def sweep():
    """Remind and expire what is due by the services' clock, then queue the messages; safe to run
    twice (see timers.py)."""
    services = context.services()
    book, timings, now = services.flow_book, QuizTimings.from_config(services.config), services.clock.now()
    with services.database.write_transaction() as session:
        reminders = send_reminders(session, book, timings, now)
        closings = expire_silent(session, book, timings, now)
    queue = services.queue
    for message_id in reminders + closings:
        queue.enqueue(SEND_JOB, message_id, job_id=f"send-{message_id}")
    return {"reminders": len(reminders), "expired": len(closings)}
