"""What an SMS text costs: its encoding (GSM-7 or UCS-2), its segments, and what forces UCS-2.

Segments are counted the way phones and gateways pack them (3GPP TS 23.040 9.2.3.24.1 for the
concatenation header, TS 23.038 for the alphabets): a text that fits one part takes one; a longer
one is packed character by character into parts of 153 septets (GSM-7) or 67 UTF-16 units
(UCS-2), and a character never straddles two parts: an extension character (escape + char, two
septets) or an emoji (a surrogate pair, two units) that does not fit what is left of a part opens
the next one. `describe_text(...).segments` is that count, and every user of segments (previews,
cost estimates, the broadcast rate budget, request sizing, `flows check`) reads it from here.

One character outside GSM-7 (a curly quote pasted from a word processor, say) turns the whole
message into UCS-2, cutting a segment from 160 characters to 70: a broadcast that cost one SMS
per person then costs three. `describe_text` finds such characters and offers GSM-7 replacements.
"""

from dataclasses import dataclass

GSM7_BASIC = set(
    "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞ\x1bÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?"
    "¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà"
)
GSM7_EXTENSION = set("^{}\\[~]|€\f")  # each costs two septets

SINGLE_SEGMENT = {"GSM-7": 160, "UCS-2": 70}
PER_SEGMENT_WHEN_SPLIT = {"GSM-7": 153, "UCS-2": 67}

# Characters that look harmless but force UCS-2, with what GSM-7 can show instead.
GSM7_REPLACEMENTS = {
    "\u2018": "'", "\u2019": "'", "\u201a": "'", "\u201b": "'", "\u2032": "'",
    "\u201c": '"', "\u201d": '"', "\u201e": '"', "\u2033": '"',
    "\u2013": "-", "\u2014": "-", "\u2015": "-", "\u2212": "-", "\u2010": "-", "\u2011": "-",
    "\u2026": "...", "\u00a0": " ", "\u2009": " ", "\u200b": "", "\u2022": "-", "\u00b7": "-",
    "\u00ab": '"', "\u00bb": '"', "\u2122": "TM", "\u00a9": "(c)", "\u00ae": "(R)",
    "\u00e1": "a", "\u00ed": "i", "\u00f3": "o", "\u00fa": "u", "\u00e2": "a", "\u00ea": "e",
    "\u00ee": "i", "\u00f4": "o", "\u00fb": "u", "\u00e7": "c", "\t": " ",
}


@dataclass(frozen=True)
class TextReport:
    encoding: str  # "GSM-7" or "UCS-2"
    length: int  # in septets for GSM-7 (extension characters count 2), in UTF-16 units for UCS-2
    segments: int
    forcing_ucs2: tuple  # the characters that make it UCS-2, in order of first appearance
    gsm7_suggestion: str | None  # the text with replacements, when that makes it GSM-7

    @property
    def is_gsm7(self):
        return self.encoding == "GSM-7"


def character_names(chars):
    """How to name characters in a message to a person: "'’' (U+2019)"."""
    return [f"{char!r} (U+{ord(char):04X})" for char in chars]


def is_gsm7_char(char):
    return char in GSM7_BASIC or char in GSM7_EXTENSION


def describe_text(text):
    """Encoding, length, segments and UCS-2 culprits of `text`, with a GSM-7 suggestion if any."""
    culprits = tuple(dict.fromkeys(char for char in text if not is_gsm7_char(char)))
    if not culprits:
        costs = [_gsm7_cost(char) for char in text]
        return TextReport("GSM-7", sum(costs), count_parts("GSM-7", costs), (), None)
    costs = [_ucs2_cost(char) for char in text]
    suggestion = "".join(GSM7_REPLACEMENTS.get(char, char) for char in text)
    if not all(is_gsm7_char(char) for char in suggestion):
        suggestion = None
    return TextReport("UCS-2", sum(costs), count_parts("UCS-2", costs), culprits, suggestion)


def split_into_parts(text):
    """`text` cut into the parts a phone sends it as (a list of one part when it fits one); joined
    again, they are `text`. Never cuts an escape pair or a surrogate pair."""
    if all(is_gsm7_char(char) for char in text):
        encoding, costs = "GSM-7", [_gsm7_cost(char) for char in text]
    else:
        encoding, costs = "UCS-2", [_ucs2_cost(char) for char in text]
    parts, start = [], 0
    for end in _part_ends(encoding, costs):
        parts.append(text[start:end])
        start = end
    return parts


def count_parts(encoding, costs):
    """How many parts characters of these `costs` (septets for GSM-7, UTF-16 units for UCS-2)
    take when packed; 1 for an empty text."""
    return len(_part_ends(encoding, costs))


def _part_ends(encoding, costs):
    """The index after the last character of each part."""
    if sum(costs) <= SINGLE_SEGMENT[encoding]:
        return [len(costs)]
    room, ends, used = PER_SEGMENT_WHEN_SPLIT[encoding], [], 0
    for index, cost in enumerate(costs):
        if used + cost > room:  # this character does not fit whole: it opens the next part
            ends.append(index)
            used = 0
        used += cost
    ends.append(len(costs))
    return ends


def _gsm7_cost(char):
    return 2 if char in GSM7_EXTENSION else 1


def _ucs2_cost(char):
    return 2 if ord(char) > 0xFFFF else 1  # outside the BMP: a surrogate pair
