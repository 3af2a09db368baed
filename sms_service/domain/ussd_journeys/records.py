"""Storing an ended USSD session, once per AT sessionId.

A session is closed by AT's end-of-session notification or, when none comes (the callback is not
configured, or AT gave up), by the workers' sweep as timed out. A repeated notification changes
nothing; a notification arriving after the sweep replaces the sweep's guess with AT's outcome.
"""

from dataclasses import dataclass, fields
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from sms_service.core.models import UssdJourney

BY_AT, BY_SWEEP = "at", "sweep"
TIMED_OUT = "timed_out"
STATUSES = ("success", "incomplete", "failed", TIMED_OUT)
# Statuses where the caller left mid-way (AT's Incomplete: they cancelled or stopped answering).
LEFT = ("incomplete", TIMED_OUT)


@dataclass(frozen=True)
class EndedSession:
    """What is kept of one session (see UssdJourney): screen ids, never typed text."""

    session_id: str
    phone_key: str | None  # services.phone_keys.key(phone)
    network: str | None
    language: str | None
    status: str  # one of STATUSES
    closed_by: str  # BY_AT or BY_SWEEP
    path: tuple
    refused: tuple
    hops: int
    duration_ms: int | None
    cost: str | None
    error_message: str | None
    started_at: datetime | None
    ended_at: datetime


def store_ended_session(session, ended):
    """Store `ended` in `session` (a transaction); "stored", "updated" (AT's outcome over the
    sweep's) or "repeat" (already stored: nothing changed)."""
    existing = session.execute(
        select(UssdJourney).where(UssdJourney.session_id == ended.session_id)
    ).scalar_one_or_none()
    if existing is None:
        values = {field.name: getattr(ended, field.name) for field in fields(ended)}
        values.update(path=list(ended.path), refused=list(ended.refused))
        try:
            with session.begin_nested():  # a twin notification may store it at the same moment
                session.add(UssdJourney(**values))
        except IntegrityError:
            return "repeat"
        return "stored"
    if existing.closed_by == BY_SWEEP and ended.closed_by == BY_AT:
        existing.closed_by, existing.status = BY_AT, ended.status
        existing.hops = ended.hops or existing.hops
        existing.duration_ms, existing.cost, existing.error_message = ended.duration_ms, ended.cost, ended.error_message
        existing.network = ended.network or existing.network
        if ended.path and not existing.path:
            existing.path, existing.refused = list(ended.path), list(ended.refused)
        return "updated"
    return "repeat"
