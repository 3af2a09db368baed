"""What an SMS text costs: its encoding (GSM-7 or UCS-2), its segments, and what forces UCS-2.

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
        length = sum(2 if char in GSM7_EXTENSION else 1 for char in text)
        return TextReport("GSM-7", length, _segments("GSM-7", length), (), None)
    length = len(text.encode("utf-16-le")) // 2  # emoji take two units
    suggestion = "".join(GSM7_REPLACEMENTS.get(char, char) for char in text)
    if not all(is_gsm7_char(char) for char in suggestion):
        suggestion = None
    return TextReport("UCS-2", length, _segments("UCS-2", length), culprits, suggestion)


def _segments(encoding, length):
    if length <= SINGLE_SEGMENT[encoding]:
        return 1
    per_segment = PER_SEGMENT_WHEN_SPLIT[encoding]
    return -(-length // per_segment)
