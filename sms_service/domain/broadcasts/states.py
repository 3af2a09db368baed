"""What staff are told a broadcast is doing, and which controls it offers them.

The stored `status` is scheduled, running, paused, recurring (a repeating template), completed or
cancelled. What staff read is derived from it and the clock: a running broadcast held by quiet
hours is "waiting for the send window (opens 08:00 EAT)", not "running" with nothing moving.
The console, its progress JSON and `flask broadcasts list|show` all say it the same way.
"""

from enum import StrEnum

from sms_service.domain.broadcasts.schedule import may_send
from sms_service.domain.messaging.gateway import ACCOUNT_PROBLEMS


class BroadcastStatus(StrEnum):
    """Stored in `broadcasts.status` (a plain string column)."""

    SCHEDULED = "scheduled"  # waits for its send_at
    RUNNING = "running"  # fell due: its senders send (or quiet hours hold it)
    PAUSED = "paused"
    RECURRING = "recurring"  # a repeating broadcast's template: each time it falls due, an occurrence
    COMPLETED = "completed"
    CANCELLED = "cancelled"


FINISHED = (BroadcastStatus.COMPLETED, BroadcastStatus.CANCELLED)

# Each stored status -> the controls staff may use on it, in the order they are shown. Completed
# and cancelled broadcasts have none. The service refuses anything else (service.py).
CONTROLS = {
    BroadcastStatus.SCHEDULED: ("pause", "cancel"),
    BroadcastStatus.RUNNING: ("pause", "cancel"),
    BroadcastStatus.RECURRING: ("pause", "cancel"),
    BroadcastStatus.PAUSED: ("resume", "cancel"),
}


# A broadcast the spend guard held (domain/broadcasts/spend.py) is paused with this before its
# reason: only an admin's confirmation (or a cancel) moves it, not an editor's resume.
HOLD_PREFIX = "held: "


def is_held(broadcast):
    """True while the spend guard holds `broadcast` for an admin to confirm its cost."""
    return broadcast.status == BroadcastStatus.PAUSED and (broadcast.stop_reason or "").startswith(HOLD_PREFIX)


def held_reason(broadcast):
    """Why the spend guard holds `broadcast`, or None when it does not."""
    return broadcast.stop_reason.removeprefix(HOLD_PREFIX) if is_held(broadcast) else None


def controls_of(broadcast):
    """`controls_for` its status, except that a held broadcast offers only cancel (an admin
    confirms it on its own form)."""
    return ("cancel",) if is_held(broadcast) else controls_for(broadcast.status)


def controls_for(status):
    """The controls a broadcast in `status` offers: ("pause", "cancel"), ("resume", "cancel") or ()."""
    return CONTROLS.get(status, ())


def is_waiting(broadcast, window, now):
    """True when the broadcast would send but quiet hours hold it (it is not urgent)."""
    return broadcast.status == BroadcastStatus.RUNNING and not may_send(window, broadcast.urgent, now)


def describe_state(broadcast, window, now, uncertain=0):
    """The state staff see: the status, or "waiting for the send window (opens 08:00 EAT)"; a
    broadcast that ended with `uncertain` messages (they may or may not have gone out) is never
    plainly "completed", and one the service paused says why."""
    if is_waiting(broadcast, window, now):
        return f"waiting for the send window (opens {window.opens:%H:%M} EAT)"
    if is_held(broadcast):
        return f"held for its cost: {held_reason(broadcast)}; an admin must confirm it"
    if broadcast.status == BroadcastStatus.PAUSED and broadcast.stop_reason:
        return f"paused: {ACCOUNT_PROBLEMS.get(broadcast.stop_reason, broadcast.stop_reason)}"
    if broadcast.status in FINISHED and uncertain:
        return f"{broadcast.status}, {uncertain:,} uncertain: need review"
    return broadcast.status
