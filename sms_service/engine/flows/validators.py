"""Validators for input screens: each turns a typed answer into a value, or names why it is refused.

A refusal names a message key (`invalid_<validator>`) that the flows translate.
"""

import re
import unicodedata
from dataclasses import dataclass
from typing import Callable

from sms_service.core.counties import COUNTIES, find_county, is_ascii_number
from sms_service.core.typed_text import keyword_form

NAME_MAX_LENGTH = 40


class Refused(ValueError):
    """The answer does not fit; `message_key` names the translated reason."""

    def __init__(self, message_key):
        super().__init__(message_key)
        self.message_key = message_key


@dataclass(frozen=True)
class Validator:
    parse: Callable[[str], object]
    # The longest value it can produce: lets `flows check` measure screens that show it.
    longest_value: str


def _plain_words(answer, min_letters, max_length, refusal):
    """Typed words with spacing tidied; refused when too short, too long or holding hidden characters.

    Control and format characters (NUL, zero-width, direction marks) are never part of a name,
    and PostgreSQL refuses NUL outright.
    """
    words = " ".join(answer.split())
    letters = sum(ch.isalpha() for ch in words)
    # U+FFFD is what the AT edge makes of a NUL (channels/africastalking/guard.py): hidden too.
    hidden = any(unicodedata.category(ch).startswith("C") or ch == "\ufffd" for ch in words)
    if letters < min_letters or len(words) > max_length or hidden:
        raise Refused(refusal)
    return words


def _name(answer):
    return _plain_words(answer, 2, NAME_MAX_LENGTH, "invalid_name")


SCHOOL_MAX_LENGTH = 60


def _school(answer):
    """A school's name: longer than a person's, digits allowed ("St. Mary's Girls 2")."""
    return _plain_words(answer, 3, SCHOOL_MAX_LENGTH, "invalid_school")


ADDRESS_MAX_LENGTH = 120


def _address(answer):
    """A delivery address: a school's P.O. Box and town, or directions ("Moi Girls, off Kisumu Rd")."""
    return _plain_words(answer, 3, ADDRESS_MAX_LENGTH, "invalid_address")


def _county(answer):
    county = find_county(answer)
    if county is None:
        raise Refused("invalid_county")
    return county


_YES = {"1", "yes", "y", "ndiyo", "ndio", "ndyo", "sawa"}
_NO = {"2", "no", "n", "hapana", "la", "siyo"}


def _yes_no(answer):
    word = re.sub(r"[^a-z0-9]", "", answer.lower())
    if word in _YES:
        return True
    if word in _NO:
        return False
    raise Refused("invalid_yes_no")


def _number(answer):
    if not is_ascii_number(answer.strip()):
        raise Refused("invalid_number")
    return int(answer.strip())


def _event_code(answer):
    """An event's short code as people type it (F12, e12, f-12): 2 to 8 letters or digits, read
    as keywords are (`keyword_form`), as the SMS route's code is."""
    code = keyword_form(answer)
    if not (2 <= len(code) <= 8 and code.isascii() and code.isalnum()):
        raise Refused("invalid_event_code")
    return code


VALIDATORS = {
    "name": Validator(_name, "W" * NAME_MAX_LENGTH),
    "county": Validator(_county, max(COUNTIES, key=len)),
    "school": Validator(_school, "W" * SCHOOL_MAX_LENGTH),
    "address": Validator(_address, "W" * ADDRESS_MAX_LENGTH),
    "yes_no": Validator(_yes_no, "True"),
    "number": Validator(_number, "9" * 9),
    "event_code": Validator(_event_code, "W" * 8),
}
