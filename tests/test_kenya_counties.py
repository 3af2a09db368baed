import pytest

from sms_service.core.counties import COUNTIES, find_county


def test_there_are_47_counties_in_code_order():
    assert len(COUNTIES) == 47 == len(set(COUNTIES))
    assert (COUNTIES[0], COUNTIES[46]) == ("Mombasa", "Nairobi")


@pytest.mark.parametrize(
    "answer, county",
    [
        ("Nairobi", "Nairobi"),
        ("nairobi", "Nairobi"),
        (" NAIROBI ", "Nairobi"),
        ("47", "Nairobi"),
        ("1", "Mombasa"),
        ("042", "Kisumu"),
        ("muranga", "Murang'a"),
        ("Murang'a", "Murang'a"),
        ("tharaka nithi", "Tharaka-Nithi"),
        ("Elgeyo Marakwet", "Elgeyo-Marakwet"),
        ("homabay", "Homa Bay"),
        ("naku", "Nakuru"),
        ("Taita Taveta", "Taita-Taveta"),
    ],
)
def test_counties_are_found_by_name_code_or_prefix(answer, county):
    assert find_county(answer) == county


@pytest.mark.parametrize("answer", ["", "0", "48", "Atlantis", "nai", "ki", "kis"])
def test_unknown_or_ambiguous_answers_find_nothing(answer):
    assert find_county(answer) is None
