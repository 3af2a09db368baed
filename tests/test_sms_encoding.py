import pytest

from sms_service.sms.encoding import describe_text


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
