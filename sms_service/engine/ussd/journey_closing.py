"""Closing USSD sessions for journey analytics: when AT's end-of-session notification comes
(`POST /ussd/events`), or, for sessions it never came for, by the workers' sweep as timed out.
Either way the session's path (engine/ussd/journey_path.py) is read from its state and stored
once (domain/ussd_journeys/records.py)."""

import logging
from datetime import timedelta

from sms_service.domain.ussd_journeys.records import BY_AT, BY_SWEEP, TIMED_OUT, EndedSession, store_ended_session
from sms_service.engine.ussd import journey_path

log = logging.getLogger(__name__)

# AT ends a session 180 s after it began at the latest: one silent that long since its last hop
# has ended, and its notification (sent at once when configured) is not coming.
SILENCE = timedelta(seconds=180)
SWEEP_BATCH = 500  # sessions per sweep; the next sweep takes the rest
SWEEP_SECONDS = 60
SWEEP_JOB = "workers.ussd_jobs.sweep_journeys"
SWEEP_QUEUED_KEY = "ussd:journey-sweep-queued"


class JourneyClosing:
    def __init__(self, store, database, phone_keys, clock):
        """`store`: the conversation's UssdSessionStore; `phone_keys`: services.phone_keys."""
        self.store = store
        self.database = database
        self.phone_keys = phone_keys
        self.clock = clock

    def close_notified(self, session_id, phone, network, status, hops, duration_ms, cost, error_message):
        """Store the session AT says has ended (`status`: success, incomplete or failed; `phone`
        E.164) with the path it went through; "stored", "updated" or "repeat" (a notification
        already stored: nothing changes)."""
        _, state = self.store.take(session_id)
        if state is not None and state.get("phone") != phone:
            log.warning("USSD notification for session %r names another number: its path is not kept", session_id)
            state = None
        walked = journey_path.read(state or {})
        ended = EndedSession(
            session_id=session_id, phone_key=self.phone_keys.key(phone), network=network or walked.network or None,
            language=walked.language, status=status, closed_by=BY_AT, path=walked.path, refused=walked.refused,
            hops=hops if hops is not None else len(walked.path), duration_ms=duration_ms, cost=cost,
            error_message=error_message, started_at=walked.started_at, ended_at=self.clock.now(),
        )
        with self.database.write_transaction() as session:
            return store_ended_session(session, ended)

    def close_silent(self):
        """Store every session silent for SILENCE (up to SWEEP_BATCH) as timed out; how many."""
        now = self.clock.now()
        closed = []
        for session_id in self.store.silent_since(now - SILENCE, SWEEP_BATCH):
            taken, state = self.store.take(session_id)
            if not taken:
                continue  # its notification, or another sweep, took it first
            walked = journey_path.read(state or {})
            phone = (state or {}).get("phone")
            closed.append(EndedSession(
                session_id=session_id, phone_key=self.phone_keys.key(phone), network=walked.network or None,
                language=walked.language, status=TIMED_OUT, closed_by=BY_SWEEP, path=walked.path,
                refused=walked.refused, hops=len(walked.path), duration_ms=None, cost=None, error_message=None,
                started_at=walked.started_at, ended_at=now,
            ))
        if closed:
            with self.database.write_transaction() as session:
                for ended in closed:
                    store_ended_session(session, ended)
        return len(closed)
