"""Pseudonyms and keyed hashes of numbers: stable, distinct, and dependent on the secret."""

import pytest

from sms_service.core.pseudonyms import PhoneKeys


@pytest.mark.parametrize("secret, phone, other", [
    ("s1", "+254712345678", "+254712345679"),
    ("another secret", "+254733000444", "+256772000111"),
])
def test_a_number_always_gets_the_same_pseudonym_and_another_number_another(secret, phone, other):
    keys = PhoneKeys(secret)
    assert keys.pseudonym(phone) == PhoneKeys(secret).pseudonym(phone)
    assert keys.pseudonym(phone) != keys.pseudonym(other)
    assert keys.pseudonym(phone).startswith("Contact ") and phone[-4:] not in keys.pseudonym(phone)
    assert len(keys.key(phone)) == 64 and keys.key(phone) != PhoneKeys(secret + "x").key(phone)


def test_no_number_and_no_secret():
    assert PhoneKeys("s").key("") is None
    with pytest.raises(ValueError):
        PhoneKeys("")


def test_the_services_key_numbers_with_people_key_when_set(make_app):
    app = make_app(PEOPLE_KEY="people secret")
    assert app.services.phone_keys.key("+254712345678") == PhoneKeys("people secret").key("+254712345678")
