"""Phone numbers: normalised once, at the edge, to E.164; masked wherever they are logged."""

import re
from functools import lru_cache

import phonenumbers
from sqlalchemy import true

DEFAULT_REGION = "KE"
# What Excel makes of a long number in a column not formatted as Text: 2.54712E+11 (its digits
# lost for good), or 254712345678.0 once it has been through a number format.
_EXCEL_SCIENTIFIC = re.compile(r"^[+-]?\d+(?:[.,]\d+)?[eE][+]?\d+$")
_EXCEL_DECIMAL = re.compile(r"^\+?\d{9,15}[.,]0+$")
EXCEL_CHANGED = "Excel changed this number; format the column as Text and export again"


class InvalidPhoneNumber(ValueError):
    pass


# Parsing is costly next to the rest of a USSD hop, and a caller sends the same number every hop.
@lru_cache(maxsize=65536)
def normalise_msisdn(raw, region=DEFAULT_REGION):
    """Return `raw` (07.., 01.., 2547.., +2547.., with spaces or dashes) as E.164, e.g. +254712345678."""
    candidate = (raw or "").strip()
    if not candidate:
        raise InvalidPhoneNumber("phone number is empty")
    if excel_mangled(candidate):
        raise InvalidPhoneNumber(EXCEL_CHANGED)
    # "254712345678" has no "+", so the library would read it as a Kenyan national number.
    if candidate[0] in "123456789" and len(candidate) > 10:
        candidate = "+" + candidate
    try:
        parsed = phonenumbers.parse(candidate, region)
    except phonenumbers.NumberParseException as error:
        raise InvalidPhoneNumber(f"not a phone number: {error}") from None
    if not phonenumbers.is_valid_number(parsed):
        raise InvalidPhoneNumber("not a valid phone number")
    return phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.E164)


def excel_mangled(text):
    """True for a number as Excel writes a long one in a column not formatted as Text:
    "2.54712E+11", "254712345678.0"."""
    text = text.strip()
    return bool(_EXCEL_SCIENTIFIC.match(text) or _EXCEL_DECIMAL.match(text))


def not_a_test_number(column, test_prefix):
    """A SQL condition on a phone `column`: the number is not one of the simulator's test numbers
    (starting with `test_prefix`, the SIMULATOR_PREFIX setting, "+" and digits only). Test numbers
    stay out of statistics, exports and audiences. True for every number when the prefix is empty."""
    if not test_prefix:
        return true()
    return column.is_(None) | ~column.startswith(test_prefix, autoescape=True)


def mask_msisdn(number):
    """Keep enough to tell numbers apart in logs, not enough to call anyone: +254712***678."""
    if not number:
        return "<none>"
    if len(number) <= 7:
        return "***"
    return number[:7] + "***" + number[-3:]
