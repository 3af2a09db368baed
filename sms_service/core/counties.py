"""Reference data about Kenya that the menus validate against."""

import re

from sms_service.core.typed_text import matching_key

ASCII_NUMBER = re.compile(r"[0-9]{1,9}")


def is_ascii_number(text):
    """True for plain digits 0-9 only: str.isdigit() also accepts "²", which int() refuses."""
    return ASCII_NUMBER.fullmatch(text) is not None

# The 47 counties in the order of their official codes (Mombasa 001 ... Nairobi 047).
COUNTIES = (
    "Mombasa", "Kwale", "Kilifi", "Tana River", "Lamu", "Taita-Taveta", "Garissa", "Wajir",
    "Mandera", "Marsabit", "Isiolo", "Meru", "Tharaka-Nithi", "Embu", "Kitui", "Machakos",
    "Makueni", "Nyandarua", "Nyeri", "Kirinyaga", "Murang'a", "Kiambu", "Turkana", "West Pokot",
    "Samburu", "Trans Nzoia", "Uasin Gishu", "Elgeyo-Marakwet", "Nandi", "Baringo", "Laikipia",
    "Nakuru", "Narok", "Kajiado", "Kericho", "Bomet", "Kakamega", "Vihiga", "Bungoma", "Busia",
    "Siaya", "Kisumu", "Homa Bay", "Migori", "Kisii", "Nyamira", "Nairobi",
)

_LOOKUP_KEY = re.compile(r"[^a-z]")


def _key(name):
    """Letters only, after the one folding of typed names ("Élgeyo Marakwet" = "elgeyomarakwet")."""
    return _LOOKUP_KEY.sub("", matching_key(name))


_BY_KEY = {_key(name): name for name in COUNTIES}


def find_county(answer):
    """The county meant by a typed code (1-47) or name ("nairobi", "muranga", "Tharaka Nithi").

    A unique prefix of at least four letters is enough ("naku" is Nakuru); returns None otherwise.
    """
    answer = answer.strip()
    if is_ascii_number(answer):
        code = int(answer)
        return COUNTIES[code - 1] if 1 <= code <= len(COUNTIES) else None
    key = _key(answer)
    if key in _BY_KEY:
        return _BY_KEY[key]
    if len(key) >= 4:
        matches = [name for county_key, name in _BY_KEY.items() if county_key.startswith(key)]
        if len(matches) == 1:
            return matches[0]
    return None
