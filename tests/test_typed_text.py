"""What people type, echoed and matched: one folding helper for every reply and USSD screen that
echoes typed text (replies stay GSM-7, the stored value keeps what was typed), and one key for
names that are matched or grouped."""

import pytest
from sqlalchemy import select

from sms_service.core.gsm7 import describe_text
from sms_service.core.models import PetitionSignature, Subscriber
from sms_service.core.typed_text import clauses_of, fold_to_gsm7, matching_key, question_clauses, words_of
from tests.sms_phone import Texter
from tests.ussd_phone import UssdPhone


@pytest.mark.parametrize("typed, shown", [
    ("St. Mary\u2019s Girls", "St. Mary's Girls"),  # look-alikes first: ’ is ', not dropped
    ("N\u2019ganga \U0001F64F", "N'ganga"),  # an emoji has no GSM-7 form: dropped, its space closed up
    ("\u201cHaki\u201d \u2013 Yetu", '"Haki" - Yetu'),
    ("Wanjik\u0169 \u0100kinyi", "Wanjiku Akinyi"),  # accents GSM-7 lacks are stripped
    ("Ren\u00e9e M\u00fcller Pe\u00f1a", "Ren\u00e9e M\u00fcller Pe\u00f1a"),  # é, ü, ñ are GSM-7: kept
    ("O\u2018Brien\u2026", "O'Brien..."),
    ("Kamau\u00a0Njoroge", "Kamau Njoroge"),
    ("Mary`s", "Mary's"),
    ("\u0428\u043a\u043e\u043b\u0430 1", "1"),  # nothing of it is GSM-7 but the digit
    ("Plain Moi Girls, Eldoret", "Plain Moi Girls, Eldoret"),
])
def test_folding_to_gsm7(typed, shown):
    assert fold_to_gsm7(typed) == shown
    assert describe_text(fold_to_gsm7(typed)).is_gsm7


@pytest.mark.parametrize("typed, words", [
    ("Don\u2019t  stop!", ["DONT", "STOP"]), ("\ufeffSTOP\u200b", ["STOP"]), ("\u00c1ch\u00e1 !!!", ["ACHA"]),
    ("opt-out", ["OPTOUT"]), ("", []),
])
def test_the_words_of_a_text(typed, words):
    assert words_of(typed) == words


@pytest.mark.parametrize("typed, clauses", [
    ("I don't know you, remove me", [0, 0, 0, 0, 1, 1]),
    ("Please stop. Thank you", [0, 0, 1, 1]),
    ("stop.please", [0]),  # one word: no clause ends inside it
    ("No ! stop", [0, 1]),  # a mark standing alone ends the clause too
    ("Sijui; nitoe: sasa", [0, 1, 2]),
    ("wait... what?!", [0, 1]),
    ("- JOIN mateso", [0, 0]),  # a dash is no clause mark
    ("", []),
])
def test_each_word_knows_its_clause(typed, clauses):
    assert clauses_of(typed) == clauses and len(clauses) == len(words_of(typed))


@pytest.mark.parametrize("typed, questions", [
    ("Why did you stop? Remove me", {0}),
    ("Remove me? No way!", {0}),
    ("really?!", {0}),
    ("No more sms since last week? I miss the updates", {0}),
    ("Nitoe ripoti wapi ?", {0}),  # a mark standing alone
    ("Remove me. Is that ok?", {1}),
    ("STOP", set()),
])
def test_the_clauses_that_ask(typed, questions):
    assert question_clauses(typed) == questions


SAME_SCHOOL = ["St. Mary's Girls", "St. Mary\u2019s Girls", "St. Mary`s Girls", "st marys girls", "ST. MARY'S  GIRLS",
               "Saint Mary's Girls", "St Mary\u2019s Girls.", "St.Mary's Girls", "S\u0301t. Mary's Girls"]
OTHER_SCHOOLS = ["St. Mary Girls", "St. Mary's Boys", "Mary's Girls", "St. Marys Girls 2"]


def test_one_school_however_typed_and_never_a_fuzzy_match():
    assert {matching_key(name) for name in SAME_SCHOOL} == {"saint marys girls"}
    assert len({matching_key(name) for name in OTHER_SCHOOLS} | {"saint marys girls"}) == len(OTHER_SCHOOLS) + 1


@pytest.mark.parametrize("typed, key", [
    ("Anna Müller", "anna muller"),
    ("  Wanjirũ  O'Brien-Kamau ", "wanjiru obrien kamau"),
    ("WANJIRU\tKAMAU\n", "wanjiru kamau"),
    ("Ｊｏｈｎ　Ｏｔｉｅｎｏ", "john otieno"),  # full-width letters and space
    ("Straße", "strasse"),  # case folding, not lower-casing
    ("Zoë Ã. Ñúñez", "zoe a nunez"),
    ("Мария Иванова", "мария иванова"),  # other scripts are kept
    ("محمد علي", "محمد علي"),
    ("Agent 007", "agent 007"),
    ("!!! ... --", ""),
    ("", ""),
    (None, ""),
])
def test_the_matching_key_of_a_name(typed, key):
    assert matching_key(typed) == key


def test_one_name_typed_many_ways_has_one_key():
    ways = ["Wanjiru Kamau", "wanjiru kamau", "WANJIRU  KAMAU", " Wanjirũ Kamau.", "Wanjiru\u00a0Kamau", "Wanjiru\u2019 Kamau"]
    assert {matching_key(way) for way in ways} == {"wanjiru kamau"}


@pytest.fixture
def texter(live_app, run_jobs):
    app = live_app()
    return lambda number: Texter(app, app.test_client(), run_jobs, number=number)


def _subscriber(app, phone):
    with app.services.database.transaction() as session:
        return session.scalar(select(Subscriber).where(Subscriber.phone == phone))


@pytest.mark.parametrize("text, reply", [
    ("SCHOOL St. Mary\u2019s Girls, Nairobi", "Registered: St. Mary's Girls, Nairobi. Your quiz scores now count for your school."),
    ("SCHOOL \u201cK\u00e2rima\u201d Boys \u2013 Ol Kalou, Nyandarua",
     'Registered: "Karima" Boys - Ol Kalou, Nyandarua. Your quiz scores now count for your school.'),
    ("ATT N\u2019ganga \U0001F64F", "Thank you, N'ganga! You signed the petition for Kenya to ratify the Arms Trade Treaty."),
    ("ATT Wanjik\u0169 Kamau", "Thank you, Wanjiku Kamau! You signed the petition"),
])
def test_a_reply_echoing_typed_text_stays_gsm7_in_one_segment(texter, text, reply):
    student = texter("0722400001")
    student.text(text)
    assert student.last.startswith(reply)
    report = describe_text(student.last)
    assert (report.encoding, report.segments) == ("GSM-7", 1)


def test_the_stored_values_keep_what_was_typed(texter):
    texter("0722400002").text("SCHOOL St. Mary\u2019s Girls, Nairobi").text("ATT N\u2019ganga \U0001F64F")
    app = texter("0722400002").app
    assert _subscriber(app, "+254722400002").school == "St. Mary\u2019s Girls"
    with app.services.database.transaction() as session:
        assert session.scalar(select(PetitionSignature.full_name)) == "N\u2019ganga \U0001F64F"


def test_a_ussd_screen_echoes_through_the_same_folding(client):
    phone = UssdPhone(client, "+254722400003")
    phone.dial().answer_all("4", "Wanjiru N\u2019ganga", "Nyeri", "1").assert_see("Thank you, Wanjiru N'ganga of Nyeri!")
