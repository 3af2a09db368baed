"""USSD session state in Redis: one JSON document per AT sessionId, and a resume snapshot per number.

Nothing here is durable: a lost session only means a caller starts the menu again.
"""

import json
import secrets
import time

from sms_service.core.redis_exchange import LuaScript, exchange, pack, raise_errors

# Longer than the slowest hop can take (the database gives up after 3 s; see database.py).
LOCK_TTL_MS = 10_000
LOCK_WAIT_SECONDS = 5.0
LOCK_POLL_SECONDS = 0.02


class SessionBusy(Exception):
    """Another request for the same session held it for longer than AT would wait."""


# Delete the lock only if it is still ours: a hop that outlived its lock must not free a twin's.
_RELEASE = LuaScript("""
if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('del', KEYS[1]) end
return 0
""")
# Store the state, set or clear the resume snapshot, note the session as live as of this hop, and
# release our lock, in one round trip.
_SAVE = LuaScript("""
redis.call('set', KEYS[1], ARGV[1], 'EX', ARGV[2])
if ARGV[3] == '' then redis.call('del', KEYS[2])
else redis.call('set', KEYS[2], ARGV[3], 'EX', ARGV[4]) end
redis.call('zadd', KEYS[4], ARGV[6], ARGV[7])
if redis.call('get', KEYS[3]) == ARGV[5] then redis.call('del', KEYS[3]) end
return 1
""")
# Read a session's state and take it off the live index, at once: whoever gets 1 closes it.
_TAKE = LuaScript("""
local removed = redis.call('zrem', KEYS[2], ARGV[1])
return {removed, redis.call('get', KEYS[1]) or false}
""")


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

    @property
    def _live_key(self):
        # sessionId -> epoch seconds of its last hop: the sessions not closed yet (journey_closing.py)
        return f"{self.prefix}:live"

    def claim(self, session_id, phone):
        """Take the session's lock, read its state and the number's resume snapshot, in one round
        trip; wait while a twin holds the lock.

        AT retries a hop it got no answer for; the lock makes the retry wait for the first
        attempt and then see its stored reply, instead of running the same answer twice.
        Returns (lock token, state or None, resume snapshot or None).
        """
        token = secrets.token_hex(8)
        deadline = time.monotonic() + LOCK_WAIT_SECONDS
        commands = pack(
            (b"SET", self._lock_key(session_id), token, b"NX", b"PX", LOCK_TTL_MS),
            (b"GET", self._session_key(session_id)),
            (b"GET", self._resume_key(phone)),
        )
        while True:
            acquired, raw, resume = raise_errors(exchange(self.redis, commands, 3))
            if acquired:
                return token, (json.loads(raw) if raw else None), (json.loads(resume) if resume else None)
            if time.monotonic() > deadline:
                raise SessionBusy(session_id)
            time.sleep(LOCK_POLL_SECONDS)

    def release(self, session_id, token):
        _RELEASE(self.redis, keys=[self._lock_key(session_id)], args=[token])

    def save(self, session_id, token, state, phone, resume_snapshot, now):
        """Store the state, set or clear the number's resume snapshot, mark the session live as of
        `now` (aware datetime), and release the lock, at once."""
        _SAVE(
            self.redis,
            keys=[self._session_key(session_id), self._resume_key(phone), self._lock_key(session_id), self._live_key],
            args=[
                json.dumps(state),
                self.session_ttl,
                "" if resume_snapshot is None else json.dumps(resume_snapshot),
                self.resume_ttl,
                token,
                int(now.timestamp()),
                session_id,
            ],
        )

    def silent_since(self, moment, limit):
        """Up to `limit` live sessions whose last hop was at or before `moment` (aware datetime),
        oldest first: sessionIds."""
        ids = self.redis.zrangebyscore(self._live_key, "-inf", int(moment.timestamp()), start=0, num=limit)
        return [session_id.decode() if isinstance(session_id, bytes) else session_id for session_id in ids]

    def take(self, session_id):
        """Take the session off the live index and read its state: (True when this call took it,
        state or None when it expired). A notification and the sweep may race: one gets True."""
        removed, raw = _TAKE(self.redis, keys=[self._session_key(session_id), self._live_key], args=[session_id])
        return bool(removed), (json.loads(raw) if raw else None)
