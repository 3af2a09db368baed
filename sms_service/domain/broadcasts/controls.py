"""Staff's pause, resume, cancel and resend, each committed with its audit entry and then handed
to the workers: the one path for `flask broadcasts ...` and the console alike."""

from sms_service.domain import audit
from sms_service.domain.broadcasts import lifecycle, spend
from sms_service.domain.broadcasts.schedule import schedule_summary
from sms_service.domain.broadcasts.states import BroadcastStatus


def record_creation(session, broadcast, summary, settings, actor, now, spend=None):
    """The audit entry of a new broadcast ("send" when it goes now, else "schedule"; "hold" when
    `spend`, its spend.SpendCheck, held it), in its transaction; returns (when it sends, the
    quiet-hours notice or None)."""
    sends, quiet_hours = schedule_summary(broadcast, settings.send_window, now)
    sends_now = broadcast.recurrence is None and broadcast.send_at <= now
    held = {"held": spend.reason} if spend is not None and spend.held else {}
    action = "broadcast.hold" if held else "broadcast.send" if sends_now else "broadcast.schedule"
    audit.record(session, actor, action,
                 f"broadcast {broadcast.id} {broadcast.name!r}", recipients=summary.recipients,
                 segments=summary.segments, cost=round(summary.cost, 2), sends=sends,
                 audience=describe_audience(broadcast), **held,
                 **({"consent_basis": broadcast.consent_basis} if broadcast.uses_list else {}))
    return sends, quiet_hours


def describe_audience(broadcast, topic_name=str, language_name=str):
    """Who a broadcast is for, in words: "CSV list", or "topics torture; school Moi Girls; language
    sw; county Kisumu", and "quiz att" when it pushes a quiz. Codes, as the audit log keeps them,
    unless `topic_name` and `language_name` name them (the console: "topics Ending torture")."""
    if broadcast.uses_list:
        parts = ["CSV list"]
    else:
        parts = [f"topics {', '.join(map(topic_name, broadcast.topics))}"] if broadcast.topics else []
        language = language_name(broadcast.language) if broadcast.language else None
        parts += [f"{label} {value}" for label, value in (("school", broadcast.school), ("language", language),
                                                           ("county", broadcast.county)) if value]
    if broadcast.quiz:
        parts.append(f"quiz {broadcast.quiz}")
    return "; ".join(parts)


def _change(database, actor, action, broadcast_id, change):
    with database.write_transaction() as session:
        outcome = change(session)
        audit.record(session, actor, f"broadcast.{action}", f"broadcast {broadcast_id}", outcome=outcome)
    return outcome


def pause_broadcast(database, runtime, broadcast_id, actor):
    """Stop after the batches in flight; returns the new status."""
    return _change(database, actor, "pause", broadcast_id,
                   lambda session: lifecycle.pause(session, broadcast_id).status)


def resume_broadcast(database, runtime, broadcast_id, actor):
    """Go on where it stopped; a broadcast that runs again gets senders at once."""
    status = _change(database, actor, "resume", broadcast_id,
                     lambda session: lifecycle.resume(session, broadcast_id, runtime.clock.now()).status)
    if status == BroadcastStatus.RUNNING:
        runtime.dispatch.senders(broadcast_id, force=True)
    return status


def cancel_broadcast(database, runtime, broadcast_id, actor):
    return _change(database, actor, "cancel", broadcast_id,
                   lambda session: lifecycle.cancel(session, broadcast_id, runtime.clock.now()).status)


def confirm_cost(database, runtime, broadcast_id, actor):
    """An admin lets a broadcast the spend guard held go on; returns its new status."""
    with database.write_transaction() as session:
        broadcast, reason = spend.release(session, broadcast_id, runtime.clock.now())
        audit.record(session, actor, "broadcast.confirm-cost", f"broadcast {broadcast_id}", held=reason,
                     outcome=broadcast.status)
        status = broadcast.status
    if status == BroadcastStatus.RUNNING:
        runtime.dispatch.senders(broadcast_id, force=True)
    return status


def resend_uncertain(database, runtime, broadcast_id, actor):
    """Send the uncertain messages again; returns how many."""
    count = _change(database, actor, "resend-uncertain", broadcast_id,
                    lambda session: lifecycle.requeue_uncertain(session, broadcast_id, runtime.clock.now()))
    if count:
        runtime.dispatch.senders(broadcast_id, force=True)
    return count
