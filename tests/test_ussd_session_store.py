"""The USSD session store's lock: one hop per session at a time, and only its owner frees it."""

import pytest

from sms_service.ussd import session_store
from sms_service.ussd.session_store import SessionBusy, UssdSessionStore

SESSION, PHONE = "ATUid_store_1", "+254712345678"


@pytest.fixture
def store(app):
    return UssdSessionStore(app.extensions["redis"], session_ttl=300, resume_ttl=300)


@pytest.fixture
def redis(app):
    return app.extensions["redis"]


def test_a_first_claim_finds_nothing_stored(store, redis):
    token, state, snapshot = store.claim(SESSION, PHONE)
    assert (state, snapshot) == (None, None)
    assert redis.get(f"ussd:lock:{SESSION}") == token.encode()


@pytest.mark.parametrize("resume", [{"screen": "torture_what", "history": ["home"]}, None])
def test_save_stores_state_and_snapshot_and_frees_the_lock(store, redis, resume):
    token, _, _ = store.claim(SESSION, PHONE)
    store.save(SESSION, token, {"text": "1*1", "phone": PHONE}, PHONE, resume)
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
        store.save(SESSION, stale, {"text": "", "phone": PHONE}, PHONE, None)
    assert redis.get(f"ussd:lock:{SESSION}") == current.encode()


def test_the_store_works_after_redis_forgot_its_scripts(store, redis):
    token, _, _ = store.claim(SESSION, PHONE)
    redis.script_flush()  # a restarted Redis
    store.save(SESSION, token, {"text": "", "phone": PHONE}, PHONE, None)
    assert redis.get(f"ussd:lock:{SESSION}") is None
