"""What every Africa's Talking callback passes before anything reads it, on both edges (the USSD
endpoint and the SMS webhooks): the shared token, the body's size, and each field's presence
and length. A failure is a BadCallback, answered 400 with its message (AT does not retry a 4xx),
or a 403 / 413 from the edge."""

import hmac

from sms_service.core.config import webhook_tokens
from sms_service.core.phone_numbers import InvalidPhoneNumber, normalise_msisdn

# AT's callbacks are a few hundred bytes.
MAX_BODY_BYTES = 64 * 1024
MAX_FIELD_LENGTH = 1000
# AT's USSD `text` holds every answer of the session; it may grow well past one answer's length.
MAX_LENGTHS = {"text": 8000}
FORBIDDEN = "forbidden: missing or wrong token"
TOO_LARGE = "too large: AT's callbacks are a few hundred bytes"


class BadCallback(ValueError):
    """A callback we cannot act on; the message says why, and is sent back with a 400."""


def token_matches(expected, given):
    """True when no token is expected, or `given` (the callback's `?token=`) is one of the tokens
    in `expected` (the WEBHOOK_TOKEN setting: several, comma-separated, during a rotation), each
    compared in constant time."""
    tokens = webhook_tokens(expected)
    if not tokens:
        return True
    given = (given or "").encode()
    matches = [hmac.compare_digest(given, token.encode()) for token in tokens]  # every one, always
    return any(matches)


def required_fields(form, names, allow_empty=(), widths=None):
    """The named form fields, or BadCallback naming the first one missing or malformed.

    `widths` ({name: characters}) caps fields tighter than the general limits: the width of the
    column a field is stored in, so that a value the database would refuse (PostgreSQL raises on
    a string wider than its column, and would answer every retry 503) is a 400 with the reason.
    """
    values = {}
    for name in names:
        value = form.get(name)
        if value is None:
            hint = "" if form else " (AT sends application/x-www-form-urlencoded)"
            raise BadCallback(f"missing field '{name}'{hint}")
        value = _checked(name, value, (widths or {}).get(name))
        if not value.strip() and name not in allow_empty:
            raise BadCallback(f"field '{name}' is empty")
        values[name] = value
    return values


def optional_field(form, name, width=None):
    """The field's value, or None when it is absent or empty; BadCallback as `required_fields`."""
    value = form.get(name)
    return _checked(name, value, width) or None if value else None


def _checked(name, value, width):
    # PostgreSQL cannot store NUL (U+0000) in text at all: it becomes U+FFFD, the replacement
    # character, so the rest of the message is kept and nothing answers 503 for ever.
    value = value.replace("\x00", "\ufffd")
    limit = min(MAX_LENGTHS.get(name, MAX_FIELD_LENGTH), width or MAX_FIELD_LENGTH * 100)
    if len(value) > limit:
        raise BadCallback(f"field '{name}' is longer than {limit} characters")
    return value


def phone_field(form, name):
    """The field's number as E.164, or BadCallback saying why it is not one."""
    try:
        return normalise_msisdn(_checked(name, form[name], None))
    except InvalidPhoneNumber as error:
        raise BadCallback(f"field '{name}': {error}") from None
