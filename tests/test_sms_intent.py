"""What a text means: the intent corpus (tests/sms_intent_corpus.csv) is the definition of right,
and the readings that matter are checked end to end: AT's inbound callback, a real RQ worker, the
SDK's reply at the local gateway, and the subscriptions left behind."""

import csv
import re

import pytest
from sqlalchemy import select

from sms_service.core.config import PROJECT_ROOT
from sms_service.core.gsm7 import describe_text
from sms_service.core.models import Consent, Subscriber, Subscription
from sms_service.engine.flows.reading import load_flow_book
from sms_service.engine.sms.intent import INTENT_RULES, read_intent
from tests.sms_phone import Texter

CORPUS = PROJECT_ROOT / "tests" / "sms_intent_corpus.csv"
BOOK, _ = load_flow_book(PROJECT_ROOT / "flows")


def _corpus():
    """(text, language, expected) rows; `\\uXXXX` in a text stands for that character."""
    with open(CORPUS, encoding="utf-8", newline="") as handle:
        for row in csv.reader(handle):
            if row[0].startswith("#") or row[0] == "text":
                continue
            text, language, expected = row
            yield re.sub(r"\\u([0-9a-fA-F]{4})", lambda m: chr(int(m.group(1), 16)), text), language, expected


def reading(text):
    """An Intent as the corpus writes it: opt_out, leave[:topic], support[:topic], keyword:<k>, none."""
    intent = read_intent(BOOK.sms, text)
    if intent.keyword is None:
        return "none"
    if intent.is_opt_out:
        return "opt_out"
    if intent.keyword in ("leave", "support"):
        return intent.keyword + (f":{intent.topic}" if intent.topic else "")
    return f"keyword:{intent.keyword}"


CORPUS_ROWS = list(_corpus())


def test_the_corpus_is_large_and_covers_every_language_and_reading():
    assert len(CORPUS_ROWS) >= 150
    assert {language for _, language, _ in CORPUS_ROWS} == {"en", "sw", "sheng"}
    readings = {expected.split(":")[0] for _, _, expected in CORPUS_ROWS}
    assert readings == {"opt_out", "leave", "support", "keyword", "none"}
    assert [name for name, _ in INTENT_RULES] == ["danger", "opt_out", "my_data", "leave", "support", "keyword"]


@pytest.mark.parametrize("text, language, expected", CORPUS_ROWS, ids=[repr(row[0])[:40] for row in CORPUS_ROWS])
def test_the_grammar_reads_the_corpus(text, language, expected):
    assert reading(text) == expected


@pytest.mark.parametrize("text, rest", [
    ("ATT Wanjiku Kamau", "Wanjiku Kamau"), ("att: Mary*Jane", "Mary*Jane"), ("join torture", "torture"),
    ("- JOIN mateso", "mateso"), ("LANG  SW ", "SW"),
])
def test_a_keyword_keeps_what_followed_it_as_typed(text, rest):
    assert read_intent(BOOK.sms, text).rest == rest


PHONE = "+254711082001"


@pytest.fixture
def texter(live_app, run_jobs):
    app = live_app()
    return Texter(app, app.test_client(), run_jobs)


def _state(app):
    """(opted out?, the topics it still gets, withdrawals recorded in the consent ledger)."""
    with app.services.database.transaction() as session:
        subscriber = session.scalar(select(Subscriber).where(Subscriber.phone == PHONE))
        topics = sorted(session.scalars(select(Subscription.topic).where(Subscription.withdrawn_at.is_(None))))
        withdrawals = sorted(session.scalars(select(Consent.purpose).where(Consent.granted.is_(False))))
    return subscriber.suppressed_at is not None, topics, withdrawals


ALL_TOPICS = ["arms_control", "sexual_violence", "torture"]
SUPPORT_TORTURE = ("Thank you for standing against torture! Text JOIN TORTURE for updates and share them. "
                   "To stop all messages reply STOP; to leave this topic reply LEAVE TORTURE.")
STOPPED = "You will get no more messages from Haki Yetu. Text JOIN to subscribe again."


@pytest.mark.parametrize("text, reply, opted_out, topics, withdrawals", [
    ("End torture", SUPPORT_TORTURE, False, ALL_TOPICS, []),
    ("Stop torture now!", SUPPORT_TORTURE, False, ALL_TOPICS, []),
    ("STOP RAPE", "Thank you for standing against sexual violence! Text JOIN RAPE for updates.", False, ALL_TOPICS, []),
    ("Please don't stop", "Thank you for standing with Haki Yetu!", False, ALL_TOPICS, []),
    ("opt out", STOPPED, True, [], ["updates:all"]),
    ("REVOKE", STOPPED, True, [], ["updates:all"]),
    ("please remove me from this list", STOPPED, True, [], ["updates:all"]),
    ("\ufeffStop.\u200b", STOPPED, True, [], ["updates:all"]),
    ("LEAVE TORTURE", "You will get no more updates on Ending torture; your other topics stay.", False,
     ["arms_control", "sexual_violence"], ["updates:torture"]),
    ("leave", "To leave one topic text LEAVE TORTURE, LEAVE RAPE or LEAVE ATT.", False, ALL_TOPICS, []),
])
def test_what_a_subscriber_texts_does_what_it_means(texter, text, reply, opted_out, topics, withdrawals):
    texter.text("JOIN").text(text)
    assert texter.last.startswith(reply)
    assert describe_text(texter.last).is_gsm7
    assert _state(texter.app) == (opted_out, topics, withdrawals)


@pytest.mark.parametrize("text, reply", [
    ("Acha mateso", "Asante kwa kupinga mateso! Tuma JIUNGE MATESO"),
    ("TOKA MATESO", "Hutapata tena habari kuhusu Kukomesha mateso; mada nyingine zinaendelea."),
    ("Nitoe", "Hutapokea ujumbe zaidi kutoka Haki Yetu."),
])
def test_kiswahili_texts_get_kiswahili_answers(texter, text, reply):
    texter.text("LUGHA SW").text("JIUNGE").text(text)
    assert texter.last.startswith(reply)


def test_leaving_a_topic_twice_says_it_was_left_and_stop_still_ends_everything(texter):
    texter.text("JOIN TORTURE").text("LEAVE TORTURE").text("leave torture")
    assert texter.last == "You do not get updates on Ending torture. Text STOP to end all messages from Haki Yetu."
    texter.text("JOIN RAPE").text("STOP")
    assert texter.last == STOPPED
    assert _state(texter.app) == (True, [], ["updates:all", "updates:torture"])


def test_a_slogan_from_a_number_that_opted_out_gets_nothing_and_changes_nothing(texter):
    texter.text("STOP").text("Stop torture")
    assert texter.inbox == [STOPPED]
    assert _state(texter.app)[0] is True


def test_support_replies_are_rate_limited_so_an_echoing_auto_responder_cannot_loop(texter):
    for _ in range(5):
        texter.text(SUPPORT_TORTURE)  # an auto-responder sending our own reply back
    assert texter.inbox == [SUPPORT_TORTURE] * texter.app.config["SMS_UNKNOWN_REPLIES_PER_HOUR"]
    assert _state(texter.app)[0] is False
