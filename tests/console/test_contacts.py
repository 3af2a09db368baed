"""How a number is shown, by role (web/console/contacts.py): a table of what each role sees for a
number, a sender name, and the numbers people type into their texts."""

import pytest

from sms_service.core.pseudonyms import PhoneKeys
from sms_service.web.console.contacts import may_search_numbers, shown_contact, shown_text

KEYS = PhoneKeys("a test secret")
AMINA = "+254712345678"


@pytest.mark.parametrize("phone, role, shown", [
    (AMINA, "viewer", KEYS.pseudonym(AMINA)),
    (AMINA, "editor", f"{KEYS.pseudonym(AMINA)} · +254712***678"),
    (AMINA, "admin", f"{KEYS.pseudonym(AMINA)} · +254712***678"),
    (AMINA, "no such role", KEYS.pseudonym(AMINA)),  # an unknown role gets the least
    ("MPESA", "viewer", "MPESA"),  # a sender's name, no person's number
    ("22384", "viewer", "22384"),
    (None, "viewer", ""),  # a web signature has no number
])
def test_what_each_role_sees_for_a_number(phone, role, shown):
    assert shown_contact(phone, role, KEYS) == shown


@pytest.mark.parametrize("text, shown", [
    ("Call me on 0712 345 678 please", "Call me on [number] please"),
    ("my no. is +254-712-345678.", "my no. is [number]."),
    ("namba yangu 0712345678,asante", "namba yangu [number],asante"),
    ("254712345678", "[number]"),
    ("Call 1195 or 999, it was 2026-11-20 at 10:30", "Call 1195 or 999, it was 2026-11-20 at 10:30"),
    ("QK12ABC Confirmed. Ksh500 sent", "QK12ABC Confirmed. Ksh500 sent"),
    ("ATT Wanjiku Kamau", "ATT Wanjiku Kamau"),
    ("", ""),
])
def test_numbers_typed_in_a_text_are_hidden_from_viewers_only(text, shown):
    assert shown_text(text, "viewer") == shown
    assert shown_text(text, "editor") == text


def test_only_editors_and_admins_search_by_number():
    assert [may_search_numbers(role) for role in ("viewer", "editor", "admin")] == [False, True, True]
