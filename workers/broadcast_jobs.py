"""Broadcast jobs: a sender (several run at once on one broadcast) and the periodic tick."""

import logging

from sms_service.domain.broadcasts.lifecycle import complete_if_done
from sms_service.domain.broadcasts.sender import pending_counts
from sms_service.domain.broadcasts.tick import run_tick
from workers import context

log = logging.getLogger(__name__)


def send_broadcast(broadcast_id):
    """Send batches until the broadcast is drained or stops; hand over when the slice is used.

    A sender stopped because its worker is stopping hands nothing over: the broadcast stays
    running, and the next tick (on this worker when it is back, or on another) starts senders.
    """
    services = context.services()
    broadcasts, database = services.broadcasts, services.database
    reason = broadcasts.sender.run(broadcast_id)
    if reason == "slice used":
        broadcasts.dispatch.senders(broadcast_id, count=1, force=True)
    elif reason == "drained":
        with database.write_transaction() as session:
            counts, next_retry = pending_counts(session, broadcast_id)
            done = complete_if_done(session, broadcast_id, broadcasts.clock.now())
        if not done and next_retry is not None and not counts.get("queued"):
            broadcasts.dispatch.sender_at(broadcast_id, next_retry)
    log.info("sender for broadcast %s stopped: %s", broadcast_id, reason)
    return reason


def tick():
    """Start due broadcasts and keep running ones moving (queued by each worker's clock)."""
    services = context.services()
    broadcasts = services.broadcasts
    report = run_tick(services.database, broadcasts.leases, broadcasts.dispatch, broadcasts.settings,
                      broadcasts.clock.now())
    return {"started": report.started, "recovered": report.recovered,
            "senders_started": report.senders_started, "completed": report.completed}
