"""Checks every Africa's Talking webhook shares: the shared token, and required form fields."""

import hmac

from flask import current_app, request

from sms_service.phone_numbers import InvalidPhoneNumber, normalise_msisdn

MAX_FIELD_LENGTH = 1000
# AT's USSD `text` holds every answer of the session; it may grow well past one answer's length.
MAX_LENGTHS = {"text": 8000}


class BadCallback(ValueError):
    """A callback we cannot act on; the message says why, and is sent back with a 400."""


def token_is_valid():
    """True when no WEBHOOK_TOKEN is configured, or the Flask request carries it as `?token=`."""
    return token_matches(current_app.config["WEBHOOK_TOKEN"], request.args.get("token", ""))


def token_matches(expected, given):
    """True when no token is expected, or `given` is it (compared in constant time)."""
    if not expected:
        return True
    return hmac.compare_digest(given.encode(), expected.encode())


def required_fields(form, names, allow_empty=()):
    """The named form fields, or BadCallback naming the first one missing or malformed."""
    values = {}
    for name in names:
        value = form.get(name)
        if value is None:
            hint = "" if form else " (AT sends application/x-www-form-urlencoded)"
            raise BadCallback(f"missing field '{name}'{hint}")
        if not value.strip() and name not in allow_empty:
            raise BadCallback(f"field '{name}' is empty")
        limit = MAX_LENGTHS.get(name, MAX_FIELD_LENGTH)
        if len(value) > limit:
            raise BadCallback(f"field '{name}' is longer than {limit} characters")
        values[name] = value
    return values


def phone_field(form, name):
    try:
        return normalise_msisdn(form[name])
    except InvalidPhoneNumber as error:
        raise BadCallback(f"field '{name}': {error}") from None
