import pytest

from sms_service.core.phone_numbers import InvalidPhoneNumber, mask_msisdn, normalise_msisdn


@pytest.mark.parametrize(
    "raw, e164",
    [
        ("0712345678", "+254712345678"),
        ("0112345678", "+254112345678"),
        ("254712345678", "+254712345678"),
        ("+254712345678", "+254712345678"),
        ("+254 712 345 678", "+254712345678"),
        ("0712-345-678", "+254712345678"),
        (" 0722000111 ", "+254722000111"),
        ("+255754123456", "+255754123456"),  # a Tanzanian roaming number stays itself
    ],
)
def test_kenyan_formats_normalise_to_e164(raw, e164):
    assert normalise_msisdn(raw) == e164


@pytest.mark.parametrize("raw", ["", "   ", "hello", "+2547", "12", "07123", "+254712345678999"])
def test_garbage_is_refused(raw):
    with pytest.raises(InvalidPhoneNumber):
        normalise_msisdn(raw)


@pytest.mark.parametrize(
    "number, masked", [("+254712345678", "+254712***678"), ("", "<none>"), ("+2547", "***")]
)
def test_masking_hides_the_middle(number, masked):
    assert mask_msisdn(number) == masked
