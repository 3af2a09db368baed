"""Phone numbers: normalised once, at the edge, to E.164; masked wherever they are logged."""

from functools import lru_cache

import phonenumbers

DEFAULT_REGION = "KE"


class InvalidPhoneNumber(ValueError):
    pass


# Parsing is costly next to the rest of a USSD hop, and a caller sends the same number every hop.
@lru_cache(maxsize=65536)
def normalise_msisdn(raw, region=DEFAULT_REGION):
    """Return `raw` (07.., 01.., 2547.., +2547.., with spaces or dashes) as E.164, e.g. +254712345678."""
    candidate = (raw or "").strip()
    if not candidate:
        raise InvalidPhoneNumber("phone number is empty")
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


def mask_msisdn(number):
    """Keep enough to tell numbers apart in logs, not enough to call anyone: +254712***678."""
    if not number:
        return "<none>"
    if len(number) <= 7:
        return "***"
    return number[:7] + "***" + number[-3:]
