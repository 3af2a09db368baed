import pytest

from sms_service.core.gsm7 import describe_text, split_into_parts


@pytest.mark.parametrize(
    "text, encoding, length, segments",
    [
        ("", "GSM-7", 0, 1),
        ("a" * 160, "GSM-7", 160, 1),
        ("a" * 161, "GSM-7", 161, 2),
        ("a" * 306, "GSM-7", 306, 2),
        ("a" * 307, "GSM-7", 307, 3),
        ("{" * 80, "GSM-7", 160, 1),  # extension characters count two
        ("{" * 81, "GSM-7", 162, 2),
        ("€[]^~|\\", "GSM-7", 14, 1),
        ("Karibu Haki Yetu! Tuma JIUNGE.", "GSM-7", 30, 1),
        ("Ümlaut é à ñ £ §", "GSM-7", 16, 1),  # in the GSM-7 basic set
        ("ş" * 70, "UCS-2", 70, 1),
        ("ş" * 71, "UCS-2", 71, 2),
        ("ş" * 134, "UCS-2", 134, 2),
        ("ş" * 135, "UCS-2", 135, 3),
        ("Asante 🙏", "UCS-2", 9, 1),  # an emoji takes two UTF-16 units
        # Packed as phones pack them (3GPP TS 23.040): an escape pair or a surrogate pair never
        # straddles two parts, so one that does not fit opens the next part.
        ("a" * 152 + "[" + "a" * 152, "GSM-7", 306, 3),
        ("a" * 152 + "€" + "a" * 152, "GSM-7", 306, 3),
        ("a" * 151 + "[" + "a" * 153, "GSM-7", 306, 2),  # the pair ends part one exactly
        ("a" * 153 + "{" + "a" * 151, "GSM-7", 306, 2),  # the pair starts part two
        ("a" * 152 + "|" * 77, "GSM-7", 306, 3),  # every pair after the first part's odd septet moves
        ("{" * 153, "GSM-7", 306, 3),  # 76 pairs a part, not 76.5
        ("a" * 66 + "😀" + "a" * 66, "UCS-2", 134, 3),
        ("a" * 65 + "😀" + "a" * 67, "UCS-2", 134, 2),
        ("😀" * 67, "UCS-2", 134, 3),  # 33 emoji a part
        ("ş" * 66 + "🙏" + "ş" * 66, "UCS-2", 134, 3),
    ],
)
def test_encoding_length_and_segments(text, encoding, length, segments):
    report = describe_text(text)
    assert (report.encoding, report.length, report.segments) == (encoding, length, segments)


@pytest.mark.parametrize(
    "text, culprits, suggestion",
    [
        ("Don\u2019t wait \u2013 sign now\u2026", ("\u2019", "\u2013", "\u2026"), "Don't wait - sign now..."),
        ("\u201cHaki\u201d", ("\u201c", "\u201d"), '"Haki"'),
        ("Join\u00a0now", ("\u00a0",), "Join now"),
        ("Join now \U0001F44D", ("\U0001F44D",), None),  # no GSM-7 stand-in for an emoji
    ],
)
def test_characters_that_force_ucs2_are_named_with_a_gsm7_version(text, culprits, suggestion):
    report = describe_text(text)
    assert report.encoding == "UCS-2"
    assert report.forcing_ucs2 == culprits
    assert report.gsm7_suggestion == suggestion
    if suggestion:
        assert describe_text(suggestion).is_gsm7


@pytest.mark.parametrize("text", [
    "a" * 152 + "[" + "a" * 152, "a" * 66 + "😀" + "a" * 66, "{" * 153, "😀" * 67, "Karibu", "", "ş" * 135,
    "a" * 160, "a" * 161, "€" * 81 + "x" * 200,
])
def test_parts_join_to_the_text_and_each_fits_a_part(text):
    parts = split_into_parts(text)
    assert "".join(parts) == text
    assert len(parts) == describe_text(text).segments
    if len(parts) > 1:
        room = 153 if describe_text(text).is_gsm7 else 67
        assert all(describe_text(part).length <= room for part in parts)


@pytest.mark.parametrize("text, shown", [
    ("a" * 152 + "[" + "a" * 152, "GSM-7, 306 characters, 3 segment(s)"),
    ("a" * 66 + "😀" + "a" * 66, "UCS-2, 134 characters, 3 segment(s)"),
])
def test_the_command_counts_packed_parts(app, text, shown):
    result = app.test_cli_runner().invoke(args=["sms", "describe", text])
    assert shown in result.output
