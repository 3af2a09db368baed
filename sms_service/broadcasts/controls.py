"""Staff's pause, resume, cancel and resend, each committed with its audit entry and then handed
to the workers: the one path for `flask broadcasts ...` and the console alike."""

from sms_service import audit
from sms_service.broadcasts import service
from sms_service.broadcasts.schedule import schedule_summary
from sms_service.models import utcnow


def record_creation(session, broadcast, summary, settings, actor):
    """The audit entry of a new broadcast ("send" when it goes now, else "schedule"), in its
    transaction; returns (when it sends, the quiet-hours notice or None)."""
    sends, quiet_hours = schedule_summary(broadcast, settings.send_window, utcnow())
    sends_now = broadcast.recurrence is None and broadcast.send_at <= utcnow()
    audit.record(session, actor, "broadcast.send" if sends_now else "broadcast.schedule",
                 f"broadcast {broadcast.id} {broadcast.name!r}", recipients=summary.recipients,
                 segments=summary.segments, cost=round(summary.cost, 2), sends=sends,
                 audience="CSV list" if broadcast.uses_list else ", ".join(broadcast.topics))
    return sends, quiet_hours


def _change(database, actor, action, broadcast_id, change):
    with database.write_transaction() as session:
        outcome = change(session)
        audit.record(session, actor, f"broadcast.{action}", f"broadcast {broadcast_id}", outcome=outcome)
    return outcome


def pause_broadcast(database, runtime, broadcast_id, actor):
    """Stop after the batches in flight; returns the new status."""
    return _change(database, actor, "pause", broadcast_id,
                   lambda session: service.pause(session, broadcast_id).status)


def resume_broadcast(database, runtime, broadcast_id, actor):
    """Go on where it stopped; a broadcast that runs again gets senders at once."""
    status = _change(database, actor, "resume", broadcast_id,
                     lambda session: service.resume(session, broadcast_id, utcnow()).status)
    if status == "running":
        runtime.dispatch.senders(broadcast_id, force=True)
    return status


def cancel_broadcast(database, runtime, broadcast_id, actor):
    return _change(database, actor, "cancel", broadcast_id,
                   lambda session: service.cancel(session, broadcast_id, utcnow()).status)


def resend_uncertain(database, runtime, broadcast_id, actor):
    """Send the uncertain messages again; returns how many."""
    count = _change(database, actor, "resend-uncertain", broadcast_id,
                    lambda session: service.requeue_uncertain(session, broadcast_id, utcnow()))
    if count:
        runtime.dispatch.senders(broadcast_id, force=True)
    return count
