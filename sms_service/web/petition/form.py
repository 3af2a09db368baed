"""The signature form of the public petition page, with Flask-WTF (WTForms) validators.

It carries no CSRF token, on purpose: the page is public and may be cached by any proxy, so a
token tied to one browser's session would be served to everyone; there is no login whose
authority a forged request could borrow (anyone may sign by posting the form), and what guards
the count is the honeypot, the pace per address and duplicate detection (web/petition/views.py).
"""

import unicodedata

from email_validator import EmailNotValidError, validate_email
from flask import request
from flask_wtf import FlaskForm
from werkzeug.datastructures import CombinedMultiDict
from wtforms import BooleanField, EmailField, SelectField, StringField
from wtforms.validators import DataRequired, InputRequired, Length, Optional, StopValidation, ValidationError

from sms_service.core.countries import country_choices

NAME_MAX_LENGTH = 64  # PetitionSignature.full_name
EMAIL_MAX_LENGTH = 254  # RFC 5321's longest path, less the angle brackets
HONEYPOT = "website"  # a field people never see; programs filling every field fill it too


def _one_line(text):
    """Control characters (newlines, tabs, NUL) read as spaces, spaces collapsed: a name is one line."""
    if text is None:
        return None
    return " ".join("".join(" " if unicodedata.category(char) == "Cc" else char for char in text).split())


def _has_a_letter(_form, field):
    if not any(char.isalpha() for char in field.data or ""):  # any script's letters: "Мария", "محمد"
        raise StopValidation("no letters")


def _normalised_email(_form, field):
    """Accept an address as RFC 5322 and email_validator read it (no DNS look-up), and keep its
    normalised form (the domain lower-cased, Unicode NFC)."""
    try:
        field.data = validate_email(field.data, check_deliverability=False).normalized
    except EmailNotValidError as error:
        raise ValidationError(str(error)) from None


class SignatureForm(FlaskForm):
    class Meta:
        csrf = False  # see the module's docstring

        def wrap_formdata(self, form, formdata):
            # Text fields only: a file part under a field's name (multipart) is no text for it;
            # read with the text it reached the filters as bytes. Such a field is missing instead.
            data = super().wrap_formdata(form, formdata)
            return request.form if isinstance(data, CombinedMultiDict) else data

    name = StringField(filters=[_one_line], validators=[InputRequired(), Length(max=NAME_MAX_LENGTH), _has_a_letter])
    country = SelectField(validators=[InputRequired()])  # choices: set per language (for_language)
    email = EmailField(filters=[_one_line], validators=[Optional(), Length(max=EMAIL_MAX_LENGTH), _normalised_email])
    consent = BooleanField(validators=[DataRequired()])
    website = StringField(filters=[_one_line])

    @classmethod
    def for_language(cls, language, **kwargs):
        form = cls(**kwargs)
        form.country.choices = [("", "")] + list(country_choices(language))
        return form

    def caught_a_program(self):
        """True when the hidden field was filled in (see HONEYPOT)."""
        return bool(self.website.data)
