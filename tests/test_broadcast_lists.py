"""Reading an uploaded CSV of numbers: which column, what is wrong with which row."""

import pytest

from sms_service.broadcasts.audience import read_number_list


@pytest.mark.parametrize("content, numbers, problem_rows", [
    ("phone\n0712345678\n+254722000001\n", ["+254712345678", "+254722000001"], []),
    ("name,msisdn\nAmina,254712345678\nJuma,0712 345 678\n", ["+254712345678"], []),  # a repeat counts once
    ("0712345678\n0722000001\n", ["+254712345678", "+254722000001"], []),  # no header: first column
    ("Name,Simu\nAmina,0712345678\nJuma,hello\nWanjiru,\n", ["+254712345678"], [3, 4]),
    ("phone\n\n0712345678\n", ["+254712345678"], []),  # blank lines are not problems
    ("\ufeffphone\n0712345678\n", ["+254712345678"], []),  # Excel's byte-order mark
])
def test_numbers_are_read_and_bad_rows_reported(content, numbers, problem_rows):
    read, problems = read_number_list(content.encode())
    assert read == numbers
    assert [problem.row for problem in problems] == problem_rows


@pytest.mark.parametrize("content, message", [
    (b"", "empty"),
    ("phone\n0712345678\n".encode("utf-16"), "UTF-8"),
    (b"\x89PNG\r\n\x1a\n\x00\x00", "UTF-8"),
])
def test_a_file_that_is_not_a_csv_of_numbers_is_refused(content, message):
    with pytest.raises(ValueError, match=message):
        read_number_list(content)


@pytest.mark.parametrize("content, numbers", [
    ("Name,Mobile Number\nAmina,0712345678\n", ["+254712345678"]),
    ("name;phone\nAmina;0712345678\nJuma;0722000001\n", ["+254712345678", "+254722000001"]),
    ("Jina\tNambari ya simu\nAmina\t0712345678\n", ["+254712345678"]),
])
def test_headers_and_separators_spreadsheets_use(content, numbers):
    read, problems = read_number_list(content.encode())
    assert (read, problems) == (numbers, [])
