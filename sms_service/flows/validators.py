"""Validators for input screens: each turns a typed answer into a value, or names why it is refused.

A refusal names a message key (`invalid_<validator>`) that the flows translate.
"""

import re
import unicodedata
from dataclasses import dataclass
from typing import Callable

from sms_service.kenya import COUNTIES, find_county, is_ascii_number

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


def _name(answer):
    name = " ".join(answer.split())
    letters = sum(ch.isalpha() for ch in name)
    # Control and format characters (NUL, zero-width, direction marks) are never part of a name,
    # and PostgreSQL refuses NUL outright.
    hidden = any(unicodedata.category(ch).startswith("C") for ch in name)
    if letters < 2 or len(name) > NAME_MAX_LENGTH or hidden:
        raise Refused("invalid_name")
    return name


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


VALIDATORS = {
    "name": Validator(_name, "W" * NAME_MAX_LENGTH),
    "county": Validator(_county, max(COUNTIES, key=len)),
    "yes_no": Validator(_yes_no, "True"),
    "number": Validator(_number, "9" * 9),
}
