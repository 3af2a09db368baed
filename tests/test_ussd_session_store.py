"""The USSD session store's lock: one hop per session at a time, and only its owner frees it."""

from datetime import UTC, datetime, timedelta

import pytest

from sms_service.engine.ussd import session_store
from sms_service.engine.ussd.session_store import SessionBusy, UssdSessionStore

SESSION, PHONE = "ATUid_store_1", "+254712345678"
NOW = datetime(2026, 12, 1, 7, 0, tzinfo=UTC)


@pytest.fixture
def store(app):
    return UssdSessionStore(app.services.redis, session_ttl=300, resume_ttl=300)


@pytest.fixture
def redis(app):
    return app.services.redis


def test_a_first_claim_finds_nothing_stored(store, redis):
    token, state, snapshot = store.claim(SESSION, PHONE)
    assert (state, snapshot) == (None, None)
    assert redis.get(f"ussd:lock:{SESSION}") == token.encode()


@pytest.mark.parametrize("resume", [{"screen": "torture_what", "history": ["home"]}, None])
def test_save_stores_state_and_snapshot_and_frees_the_lock(store, redis, resume):
    token, _, _ = store.claim(SESSION, PHONE)
    store.save(SESSION, token, {"text": "1*1", "phone": PHONE}, PHONE, resume, NOW)
    assert redis.get(f"ussd:lock:{SESSION}") is None
    assert 0 < redis.ttl(f"ussd:session:{SESSION}") <= 300
    _, state, snapshot = store.claim(SESSION, PHONE)
    assert state == {"text": "1*1", "phone": PHONE}
    assert snapshot == resume


def test_a_claim_waits_while_a_twin_holds_the_lock(store, monkeypatch):
    monkeypatch.setattr(session_store, "LOCK_WAIT_SECONDS", 0.1)
    store.claim(SESSION, PHONE)
    with pytest.raises(SessionBusy):
        store.claim(SESSION, PHONE)


def test_a_claim_goes_ahead_once_the_twin_releases(store, monkeypatch):
    token, _, _ = store.claim(SESSION, PHONE)
    polls = []

    def twin_finishes(seconds):  # the twin's hop ends while we wait
        polls.append(seconds)
        store.release(SESSION, token)

    monkeypatch.setattr(session_store.time, "sleep", twin_finishes)
    second, _, _ = store.claim(SESSION, PHONE)
    assert len(polls) == 1 and second != token


@pytest.mark.parametrize("free", ["release", "save"])
def test_an_expired_hop_cannot_free_its_twins_lock(store, redis, free):
    stale, _, _ = store.claim(SESSION, PHONE)
    redis.delete(f"ussd:lock:{SESSION}")  # the lock timed out under a slow hop
    current, _, _ = store.claim(SESSION, PHONE)
    if free == "release":
        store.release(SESSION, stale)
    else:
        store.save(SESSION, stale, {"text": "", "phone": PHONE}, PHONE, None, NOW)
    assert redis.get(f"ussd:lock:{SESSION}") == current.encode()


def test_the_store_works_after_redis_forgot_its_scripts(store, redis):
    token, _, _ = store.claim(SESSION, PHONE)
    redis.script_flush()  # a restarted Redis
    store.save(SESSION, token, {"text": "", "phone": PHONE}, PHONE, None, NOW)
    assert redis.get(f"ussd:lock:{SESSION}") is None


def test_each_save_marks_the_session_live_as_of_its_hop(store, redis):
    for session, minutes in (("ATUid_old", 0), ("ATUid_new", 3)):
        token, _, _ = store.claim(session, PHONE)
        store.save(session, token, {"text": "", "phone": PHONE}, PHONE, None, NOW + timedelta(minutes=minutes))
    assert store.silent_since(NOW + timedelta(minutes=1), limit=10) == ["ATUid_old"]
    assert store.silent_since(NOW + timedelta(minutes=3), limit=10) == ["ATUid_old", "ATUid_new"]
    assert store.silent_since(NOW + timedelta(minutes=3), limit=1) == ["ATUid_old"]


def test_a_session_is_taken_once_with_its_state(store):
    token, _, _ = store.claim(SESSION, PHONE)
    store.save(SESSION, token, {"text": "1", "phone": PHONE}, PHONE, None, NOW)
    assert store.take(SESSION) == (True, {"text": "1", "phone": PHONE})
    assert store.take(SESSION) == (False, {"text": "1", "phone": PHONE})
    assert store.silent_since(NOW, limit=10) == []


def test_taking_a_session_whose_state_expired_gives_no_state(store, redis):
    token, _, _ = store.claim(SESSION, PHONE)
    store.save(SESSION, token, {"text": "", "phone": PHONE}, PHONE, None, NOW)
    redis.delete(f"ussd:session:{SESSION}")
    assert store.take(SESSION) == (True, None)
