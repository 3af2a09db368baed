"""USSD session state in Redis: one JSON document per AT sessionId, and a resume snapshot per number.

Nothing here is durable: a lost session only means a caller starts the menu again.
"""

import json
import time

LOCK_TTL_MS = 10_000
LOCK_WAIT_SECONDS = 5.0
LOCK_POLL_SECONDS = 0.02


class SessionBusy(Exception):
    """Another request for the same session held it for longer than AT would wait."""


class UssdSessionStore:
    def __init__(self, redis, session_ttl, resume_ttl, prefix="ussd"):
        self.redis = redis
        self.session_ttl = session_ttl
        self.resume_ttl = resume_ttl
        self.prefix = prefix

    def _session_key(self, session_id):
        return f"{self.prefix}:session:{session_id}"

    def _lock_key(self, session_id):
        return f"{self.prefix}:lock:{session_id}"

    def _resume_key(self, phone):
        return f"{self.prefix}:resume:{phone}"

    def claim(self, session_id):
        """Take the session's lock and read its state in one round trip; wait while a twin holds it.

        AT retries a hop it got no answer for; the lock makes the retry wait for the first
        attempt and then see its stored reply, instead of running the same answer twice.
        """
        deadline = time.monotonic() + LOCK_WAIT_SECONDS
        while True:
            pipe = self.redis.pipeline(transaction=False)
            pipe.set(self._lock_key(session_id), "1", nx=True, px=LOCK_TTL_MS)
            pipe.get(self._session_key(session_id))
            acquired, raw = pipe.execute()
            if acquired:
                return json.loads(raw) if raw else None
            if time.monotonic() > deadline:
                raise SessionBusy(session_id)
            time.sleep(LOCK_POLL_SECONDS)

    def release(self, session_id):
        self.redis.delete(self._lock_key(session_id))

    def save(self, session_id, state, phone, resume_snapshot):
        """Store the state, set or clear the number's resume snapshot, and release the lock, at once."""
        pipe = self.redis.pipeline(transaction=False)
        pipe.set(self._session_key(session_id), json.dumps(state), ex=self.session_ttl)
        if resume_snapshot is None:
            pipe.delete(self._resume_key(phone))
        else:
            pipe.set(self._resume_key(phone), json.dumps(resume_snapshot), ex=self.resume_ttl)
        pipe.delete(self._lock_key(session_id))
        pipe.execute()

    def resume_snapshot(self, phone):
        raw = self.redis.get(self._resume_key(phone))
        return json.loads(raw) if raw else None
