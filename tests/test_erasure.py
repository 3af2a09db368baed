"""Erasure on request (`flask people erase NUMBER`): a person who texted, signed, subscribed, took a
quiz and dialled the menu through the real webhooks is erased everywhere, database and Redis;
anonymous counts stay; an erased person who had opted out stays out of every send."""

import re

import pytest
from sqlalchemy import String, func, select

from sms_service.core.models import (
    AuditEntry,
    Base,
    ErasedOptOut,
    InboundMessage,
    OutboundMessage,
    PetitionSignature,
    QuizAttempt,
    Subscriber,
)
from sms_service.domain.people.erasure import ERASERS, NOT_ABOUT_THE_PUBLIC
from tests.broadcast_helpers import BROADCAST_SETTINGS, make_broadcast, received, rows, send_now
from tests.sms_phone import Texter
from tests.ussd_phone import UssdPhone

NUMBER, PHONE = "0711082001", "+254711082001"
OTHER = "+254722000001"
PERSONAL_COLUMN = re.compile(r"phone|msisdn|name|email", re.IGNORECASE)


def test_every_table_with_personal_columns_is_covered_by_erasure():
    """A table with a phone, name or email column, or pointing at a table erasure covers, must
    have an eraser (or be declared not about the public), or erasure would leave it behind."""
    tables = Base.metadata.tables
    assert set(ERASERS) <= set(tables), "ERASERS names tables that do not exist"
    missing = []
    for name, table in sorted(tables.items()):
        if name in ERASERS or name in NOT_ABOUT_THE_PUBLIC:
            continue
        personal = [column.name for column in table.columns if PERSONAL_COLUMN.search(column.name)]
        pointing = [key.parent.name for key in table.foreign_keys if key.column.table.name in ERASERS]
        if personal or pointing:
            missing.append(f"table {name!r} ({', '.join(personal + pointing)}): add `_erase_{name}(target)` to "
                           f"ERASERS in sms_service/domain/people/erasure.py (rows of that number deleted or "
                           f"anonymised, see its docstring), or, if it holds nothing about the people texting "
                           f"in, add {name!r} with the reason to NOT_ABOUT_THE_PUBLIC there; and give it a "
                           f"section in docs/data-protection.md")
    assert not missing, "erasure does not cover:\n" + "\n".join(missing)


@pytest.fixture
def texter(live_app, run_jobs):
    app = live_app(**BROADCAST_SETTINGS)
    return Texter(app, app.test_client(), run_jobs, number=NUMBER)


def erase(app, number=NUMBER):
    return app.test_cli_runner().invoke(args=["people", "erase", number, "--yes"])


def count(app, statement):
    with app.services.database.transaction() as session:
        return session.scalar(statement)


def places_holding(app, value):
    """Every table.column (text columns) holding `value` anywhere in it, and every Redis key or
    USSD session naming it."""
    found = []
    with app.services.database.transaction() as session:
        for table in Base.metadata.sorted_tables:
            for column in table.columns:
                if isinstance(column.type, String) and session.scalar(
                        select(func.count()).select_from(table).where(column.contains(value))):
                    found.append(f"{table.name}.{column.name}")
    redis = app.services.redis
    found += [key.decode() for key in redis.scan_iter(match=f"*{value}*")]
    found += [key.decode() for key in redis.scan_iter(match="ussd:session:*") if value.encode() in (redis.get(key) or b"")]
    return found


def test_erasure_removes_the_number_everywhere_and_keeps_anonymous_counts(texter):
    app = texter.app
    texter.text("JOIN").text("ATT Amina Otieno").text("SCHOOL Moi Girls Nairobi").text("QUIZ TORTURE").text("A")
    UssdPhone(app.test_client(), NUMBER).dial()  # a USSD session in Redis
    assert places_holding(app, PHONE), "the journey above stored the number"
    texts_in = count(app, select(func.count()).select_from(InboundMessage))
    texts_out = count(app, select(func.count()).select_from(OutboundMessage))

    result = erase(app)

    assert result.exit_code == 0, result.output
    assert "Erased Contact " in result.output and PHONE not in result.output
    assert places_holding(app, PHONE) == []
    assert places_holding(app, "Amina") == []
    assert count(app, select(func.count()).select_from(Subscriber)) == 0
    assert count(app, select(func.count()).select_from(QuizAttempt)) == 0
    # Counts stay: the petition's total, how many texts came in and went out; the texts do not.
    assert count(app, select(func.count()).select_from(PetitionSignature)) == 1
    assert count(app, select(func.count()).select_from(InboundMessage)) == texts_in == 5
    assert count(app, select(func.count()).select_from(OutboundMessage)) == texts_out
    assert count(app, select(func.count()).where(InboundMessage.text != "")) == 0
    assert count(app, select(func.count()).where(OutboundMessage.text != "")) == 0
    # Audited under the pseudonym; nothing kept as an opt-out (the person had not opted out).
    with app.services.database.transaction() as session:
        entry = session.execute(select(AuditEntry).where(AuditEntry.action == "people.erase")).scalar_one()
    assert entry.subject == app.services.phone_keys.pseudonym(PHONE)
    assert entry.detail["kept_opt_out"] is False and entry.detail["rows"]["subscribers"] == 1
    assert count(app, select(func.count()).select_from(ErasedOptOut)) == 0


def test_an_erased_person_who_opted_out_stays_out_until_they_join_again(texter):
    app = texter.app
    texter.text("JOIN").text("STOP")
    assert erase(app).exit_code == 0
    with app.services.database.transaction() as session:
        [kept] = session.scalars(select(ErasedOptOut.key)).all()
    assert kept == app.services.phone_keys.key(PHONE) and PHONE not in kept

    # A CSV list naming the erased number: the send path leaves it out.
    first = make_broadcast(app, numbers=[PHONE, OTHER])
    send_now(app, first)
    assert (rows(app, first)[PHONE].status, rows(app, first)[PHONE].failure_reason) == ("failed", "Suppressed")
    assert received(app, OTHER) == ["Hello from Haki"] and received(app, PHONE) == []

    # Heard from again, still opted out: HELP gets nothing; JOIN opts back in, and broadcasts reach them.
    texter.text("HELP")
    assert texter.inbox == []
    texter.text("JOIN")
    assert texter.last.startswith("Welcome to Haki Yetu!")
    assert count(app, select(func.count()).select_from(ErasedOptOut)) == 0
    second = make_broadcast(app, numbers=[PHONE])
    send_now(app, second)
    assert rows(app, second)[PHONE].status == "sent"


@pytest.mark.parametrize("number, exit_code, says", [
    ("hello", 2, "NUMBER"),
    ("0799000111", 0, "Nothing was kept about Contact "),
])
def test_erasing_a_bad_or_unknown_number_says_so(app, number, exit_code, says):
    result = erase(app, number)
    assert (result.exit_code, says in result.output) == (exit_code, True), result.output
