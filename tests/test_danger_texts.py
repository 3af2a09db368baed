"""Danger wording: the corpus (tests/sms_danger_corpus.csv) is the definition of what reads as
urgent, near misses included; end to end, a danger text makes its thread urgent and sends one
discreet helpline reply (AT's inbound callback, a real RQ worker, the SDK at the local gateway)."""

import csv
import re

import pytest
from sqlalchemy import select

from sms_service.core.clock import ManualClock, parse_local_time
from sms_service.core.config import PROJECT_ROOT
from sms_service.core.models import Conversation, OutboundMessage, Subscriber
from sms_service.engine.flows.reading import load_flow_book
from sms_service.engine.sms.intent import URGENT, read_intent
from tests.sms_phone import Texter

CORPUS = PROJECT_ROOT / "tests" / "sms_danger_corpus.csv"
BOOK, _ = load_flow_book(PROJECT_ROOT / "flows")
HELPLINES_EN = BOOK.sms.reply("helplines", "en")
HELPLINES_SW = BOOK.sms.reply("helplines", "sw")


def _corpus():
    with open(CORPUS, encoding="utf-8", newline="") as handle:
        for row in csv.reader(handle):
            if row[0].startswith("#") or row[0] == "text":
                continue
            text, language, expected = row
            yield re.sub(r"\\u([0-9a-fA-F]{4})", lambda m: chr(int(m.group(1), 16)), text), language, expected


CORPUS_ROWS = list(_corpus())


def reading(text):
    """urgent, urgent+<reading> (a command that keeps its meaning), or the reading of a near miss."""
    intent = read_intent(BOOK.sms, text)
    if intent.keyword == URGENT:
        return "urgent"
    if intent.keyword is None:
        plain = "none"
    elif intent.is_opt_out:
        plain = "opt_out"
    elif intent.keyword in ("leave", "support"):
        plain = intent.keyword + (f":{intent.topic}" if intent.topic else "")
    else:
        plain = f"keyword:{intent.keyword}"
    return f"urgent+{plain}" if intent.urgent else plain


def test_the_corpus_covers_every_language_near_misses_and_commands():
    expected = [row[2] for row in CORPUS_ROWS]
    assert len(CORPUS_ROWS) >= 120
    assert {language for _, language, _ in CORPUS_ROWS} == {"en", "sw", "sheng"}
    assert expected.count("urgent") >= 80
    assert sum(not e.startswith("urgent") for e in expected) >= 25  # near misses
    assert {e for e in expected if e.startswith("urgent+")} == {"urgent+keyword:help", "urgent+keyword:join"}
    commands = {word for word in BOOK.sms.intent.danger_commands}
    assert commands and commands <= set(BOOK.sms.keywords), "every danger command is a keyword word"


@pytest.mark.parametrize("text, language, expected", CORPUS_ROWS, ids=[repr(row[0])[:40] for row in CORPUS_ROWS])
def test_the_grammar_reads_the_corpus(text, language, expected):
    assert reading(text) == expected


URGENT_ROWS = [row for row in CORPUS_ROWS if row[2].startswith("urgent")]


@pytest.mark.parametrize("text, language, expected", URGENT_ROWS, ids=[repr(row[0])[:40] for row in URGENT_ROWS])
def test_the_danger_wording_found_is_of_the_texts_language(text, language, expected):
    """The helplines go in the language of the danger wording (router.helplines_language)."""
    assert read_intent(BOOK.sms, text).danger_languages == {language}


def test_a_danger_text_is_never_an_opt_out_whatever_stop_words_it_holds():
    for text in ("stop beating me", "Acha kunipiga", "please stop, he raped me", "remove me from here they beat me"):
        intent = read_intent(BOOK.sms, text)
        assert (intent.keyword, intent.urgent) == (URGENT, True), text


def test_the_helpline_replies_carry_only_sourced_numbers():
    for text in (HELPLINES_EN, HELPLINES_SW, BOOK.sms.reply("unknown", "en"), BOOK.sms.reply("unknown", "sw")):
        assert sorted(set(re.findall(r"\d{3,}", text))) == ["112", "116", "1195", "999"], text


@pytest.fixture
def clock():
    return ManualClock(parse_local_time("2026-12-01 10:00"))


@pytest.fixture
def texter(live_app, run_jobs, clock):
    app = live_app(clock=clock)
    return Texter(app, app.test_client(), run_jobs)


def threads(app):
    with app.services.database.transaction() as session:
        return session.scalars(select(Conversation).order_by(Conversation.id)).all()


def purposes(app):
    with app.services.database.transaction() as session:
        return session.execute(select(OutboundMessage.purpose).order_by(OutboundMessage.id)).scalars().all()


def test_a_danger_text_gets_the_helplines_once_a_day_and_makes_its_thread_urgent(texter, clock):
    texter.text("Police beat my son last night")
    assert texter.inbox == [HELPLINES_EN]
    [thread] = threads(texter.app)
    assert thread.urgent_since is not None and thread.needs_human_since is not None and thread.restricted
    texter.text("nimepigwa tena")  # the same day: no second helpline reply
    assert texter.inbox == [HELPLINES_EN]
    clock.advance(hours=23)
    texter.text("wananipiga")
    assert texter.inbox == [HELPLINES_EN]
    clock.advance(hours=1)
    texter.text("alinipiga")  # in Kiswahili: the helplines too
    assert texter.inbox == [HELPLINES_EN, HELPLINES_SW]
    assert purposes(texter.app) == ["helplines", "helplines"]


def test_the_helplines_are_not_counted_against_the_not_understood_limit(texter):
    for _ in range(3):  # SMS_UNKNOWN_REPLIES_PER_HOUR: 3
        texter.text("what is this")
    texter.text("I was raped")
    texter.text("what is this")  # the limit is spent: no fourth "not understood"
    unknown = BOOK.sms.reply("unknown", "en")
    assert texter.inbox == [unknown, unknown, unknown, HELPLINES_EN]


def test_a_command_with_danger_keeps_its_meaning_and_gets_the_helplines_too(texter):
    texter.text("HELP they are beating me")
    assert texter.inbox == [BOOK.sms.reply("help", "en"), HELPLINES_EN]
    [thread] = threads(texter.app)
    assert thread.urgent_since is not None


@pytest.mark.parametrize("saved, text, helplines", [
    ("SW", "nimebakwa", HELPLINES_SW),
    ("EN", "nimebakwa", HELPLINES_SW),  # in the language the danger was written in
    ("SW", "they beat me at the station", HELPLINES_EN),
    ("EN", "Polisi wananipiga", HELPLINES_SW),
    ("SW", "karao wamenishika", HELPLINES_SW),  # Sheng: no replies of its own, the person's language
    ("EN", "karao wamenishika", HELPLINES_EN),
    ("SW", "he raped me, nimebakwa", HELPLINES_SW),  # wording of both: the person's language
    ("EN", "he raped me, nimebakwa", HELPLINES_EN),
])
def test_the_helplines_come_in_the_language_of_the_danger_text_else_the_persons(texter, saved, text, helplines):
    texter.text(f"LANGUAGE {saved}")
    texter.text(text)
    assert texter.last == helplines
    with texter.app.services.database.transaction() as session:  # the saved language stays
        assert session.scalar(select(Subscriber.language)) == saved.lower()


def test_a_number_that_opted_out_gets_no_automatic_reply_but_its_thread_is_urgent(texter):
    texter.text("STOP")
    texter.text("nimebakwa")
    assert texter.inbox == [BOOK.sms.reply("stop_confirmed", "en")]
    [thread] = threads(texter.app)
    assert thread.urgent_since is not None
    with texter.app.services.database.transaction() as session:
        assert session.scalar(select(Subscriber.suppressed_at)) is not None  # still opted out


def test_the_not_understood_reply_carries_the_helplines(texter):
    texter.text("hello who is this")
    assert "1195" in texter.last and "999" in texter.last
    [thread] = threads(texter.app)
    assert thread.needs_human_since is not None and thread.urgent_since is None
