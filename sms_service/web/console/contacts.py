"""How the console shows a person's number and name, by the role of who is looking: the one place
every page's template goes through (filters `contact`, `message_text` and `person_name`). README
"Staff console", "Who sees phone numbers".

- viewer: the contact pseudonym only ("Contact 7F3A-92C1", core/pseudonyms.py, the same on every
  page and day), numbers people typed into their texts hidden ("[number]"), and people's names
  (petition signers, event registrants, school contacts) hidden ("[name]");
- editor, admin: the pseudonym and the masked number ("Contact 7F3A-92C1 · +254712***678"),
  enough to tell a caller "the number ending 678" apart, not enough to call them; texts as sent;
  names as given. (The door page is the `door` role's own: it needs names to check people in.)

Full numbers leave the console only in the audited CSV exports (editors and admins). Kenya's Data
Protection Act 2019, s.25(c) and s.41: show the least that lets each role do its work.
"""

import re

from flask import current_app, g

from sms_service.core.phone_numbers import mask_msisdn
from sms_service.domain.staff.roles import allows
from sms_service.web.console.blueprint import blueprint

SEES_MASKED_NUMBERS = "editor"  # the weakest role shown a masked number next to the pseudonym
HIDDEN_NAME = "[name]"
NO_NUMBER_SEARCH = "Searching by number is for editors and admins: viewers see pseudonyms, not numbers."
# A number as people type it in a text: 9 to 15 digits, with spaces or dashes between them
# ("0712 345 678", "+254-712-345678"); shorter runs (amounts, years, 1195) are left alone.
_NUMBER_IN_TEXT = re.compile(r"(?<![\w+])\+?\d(?:[ \-]?\d){8,14}(?!\d)")


def shown_contact(phone, role, phone_keys):
    """What `role` sees for `phone` (E.164, or a sender id / shortcode as AT gave it; None)."""
    if not phone:
        return ""
    if not phone.startswith("+"):  # "MPESA", "22384": a sender's name, not a person's number
        return phone
    pseudonym = phone_keys.pseudonym(phone)
    if allows(role, SEES_MASKED_NUMBERS):
        return f"{pseudonym} · {mask_msisdn(phone)}"
    return pseudonym


def shown_text(text, role):
    """A message's text as `role` sees it: numbers typed in it hidden from viewers."""
    if not text or allows(role, SEES_MASKED_NUMBERS):
        return text or ""
    return _NUMBER_IN_TEXT.sub("[number]", text)


def shown_name(name, role):
    """A person's name as `role` sees it: "[name]" for viewers, as given for editors up; "" for none."""
    if not name:
        return ""
    return name if allows(role, SEES_MASKED_NUMBERS) else HIDDEN_NAME


def may_search_numbers(role):
    """Searching by number would tell a viewer whose pseudonym a number they know has: editors up."""
    return allows(role, SEES_MASKED_NUMBERS)


def _role():
    staff = g.get("staff")
    return staff.role if staff is not None else "viewer"  # no login: the least


@blueprint.app_template_filter("contact")
def contact_filter(phone):
    return shown_contact(phone, _role(), current_app.services.phone_keys)


@blueprint.app_template_filter("message_text")
def message_text_filter(text):
    return shown_text(text, _role())


@blueprint.app_template_filter("person_name")
def person_name_filter(name):
    return shown_name(name, _role())


@blueprint.app_context_processor
def _contact_helpers():
    return {"may_search_numbers": may_search_numbers(_role())}
