"""The countries people abroad say they live in: ISO 3166-1 alpha-2 codes, named in the page's
language from the Unicode CLDR (through Babel).

The list is every region with a telephone numbering plan (libphonenumber's regions): the same
places a phone signature's number can come from, and no groupings such as "EU" or "World".
"""

import unicodedata
from functools import lru_cache

import phonenumbers
from babel import Locale

COUNTRY_CODES = frozenset(phonenumbers.SUPPORTED_REGIONS)


@lru_cache(maxsize=16)
def country_choices(language):
    """((code, name), ...) of every country, sorted by its name in `language` (an ISO 639-1 code
    such as "en" or "sw"), accents ignored in the order."""
    names = Locale.parse(language).territories
    named = ((code, names.get(code, code)) for code in COUNTRY_CODES)
    return tuple(sorted(named, key=lambda pair: _sort_form(pair[1])))


def country_name(code, language):
    """The name of the country `code` in `language`; the code itself for an unknown one."""
    return Locale.parse(language).territories.get(code, code) if code else ""


def country_of_number(e164):
    """The ISO code of the country an E.164 number belongs to ("+254712345678" -> "KE"), or None."""
    try:
        region = phonenumbers.region_code_for_number(phonenumbers.parse(e164))
    except phonenumbers.NumberParseException:
        return None
    return region if region in COUNTRY_CODES else None  # not "001" (non-geographic) or "ZZ"


def _sort_form(name):
    return "".join(char for char in unicodedata.normalize("NFD", name.casefold()) if not unicodedata.combining(char))
