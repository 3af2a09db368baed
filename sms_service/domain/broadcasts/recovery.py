"""Find what a dead sender left behind.

A message stays "sending" only while its sender holds it. If the sender's lease ran out (the
worker was killed), the request may or may not have reached the gateway: the message becomes
"uncertain", shown to staff, and is never resent on a guess (`flask broadcasts resend-uncertain`
is the person's decision).
"""

from datetime import timedelta

from sqlalchemy import update

from sms_service.core.models import OutboundMessage


def mark_abandoned(database, leases, broadcast_id, now):
    """Mark messages held by senders that are no longer alive; returns how many."""
    live = leases.live_tokens(broadcast_id)
    stale_before = now - timedelta(seconds=leases.lease_seconds)
    conditions = [
        OutboundMessage.broadcast_id == broadcast_id,
        OutboundMessage.status == "sending",
        OutboundMessage.updated_at < stale_before,
    ]
    if live:
        conditions.append(OutboundMessage.claim.not_in(live))
    with database.engine.begin() as connection:
        return connection.execute(
            update(OutboundMessage).where(*conditions)
            .values(status="uncertain", failure_reason="Interrupted", updated_at=now)
        ).rowcount
