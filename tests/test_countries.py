"""Countries for the petition page (sms_service/core/countries.py) and the pace's address keys."""

import re

import pytest

from sms_service.core.countries import COUNTRY_CODES, country_choices, country_name, country_of_number
from sms_service.domain.campaigns.signing_pace import address_key


@pytest.mark.parametrize("language, first, named", [
    ("en", ("AF", "Afghanistan"), {"KE": "Kenya", "DE": "Germany", "UG": "Uganda", "CI": "Côte d’Ivoire"}),
    ("sw", ("AF", "Afghanistan"), {"KE": "Kenya", "DE": "Ujerumani", "US": "Marekani", "ZA": "Afrika Kusini"}),
])
def test_every_country_is_named_in_the_language_and_sorted_by_name(language, first, named):
    choices = country_choices(language)
    assert len(choices) == len(COUNTRY_CODES) == 245 and choices[0] == first
    assert all(dict(choices)[code] == name for code, name in named.items())
    assert not {"EU", "UN", "001", "ZZ"} & set(COUNTRY_CODES)
    # Accents do not push a name to the end: Åland sorts with the A's.
    codes = [code for code, _ in choices]
    if language == "en":
        assert codes.index("AX") < codes.index("AL")


@pytest.mark.parametrize("number, country", [
    ("+254712345678", "KE"), ("+256772123456", "UG"), ("+4930123456", "DE"), ("+12025550123", "US"),
    ("+80012345678", None),  # a non-geographic number has no country
    ("not a number", None),
])
def test_a_number_has_the_country_of_its_numbering_plan(number, country):
    assert country_of_number(number) == country


def test_an_unknown_code_is_shown_as_it_is():
    assert (country_name("DE", "sw"), country_name("QQ", "en"), country_name(None, "en")) == ("Ujerumani", "QQ", "")


@pytest.mark.parametrize("one, other, same", [
    ("198.51.100.7", "198.51.100.7", True),
    ("198.51.100.7", "198.51.100.8", False),
    ("::ffff:198.51.100.7", "198.51.100.7", True),  # an IPv4 client of a dual-stack server
    ("2001:db8:1:2::1", "2001:db8:1:2:aaaa:bbbb:cccc:dddd", True),  # one /64
    ("2001:db8:1:2::1", "2001:db8:1:3::1", False),
    ("unknown", "unknown", True),
    ("unknown", "", False),
])
def test_addresses_are_counted_per_ipv4_address_and_per_ipv6_64(one, other, same):
    assert (address_key(one) == address_key(other)) == same
    assert re.fullmatch("[0-9a-f]{32}", address_key(one))  # a fingerprint, not the address
