"""Quiz jobs: the sweep that sends reminders and closes quizzes left unanswered."""

from sms_service.quizzes.timers import QuizTimings, expire_silent, send_reminders
from workers.app_context import worker_app
from workers.sms_jobs import SEND_JOB


def sweep():
    """Remind and expire what is due, then queue the messages; safe to run twice (see timers.py)."""
    app = worker_app()
    book, timings = app.extensions["flow_book"], QuizTimings.from_config(app.config)
    with app.extensions["database"].write_transaction() as session:
        reminders = send_reminders(session, book, timings)
        closings = expire_silent(session, book, timings)
    queue = app.extensions["queue"]
    for message_id in reminders + closings:
        queue.enqueue(SEND_JOB, message_id, job_id=f"send-{message_id}")
    return {"reminders": len(reminders), "expired": len(closings)}
