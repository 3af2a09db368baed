"""Reading an uploaded CSV of numbers: which column, what is wrong with which row."""

import pytest

from sms_service.core.csv_io import find_phone_column, read_rows
from sms_service.domain.broadcasts.audience import read_number_list

EXCEL = "Excel changed this number; format the column as Text and export again"


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
    (b"\x89PNG\r\n\x1a\n\x00\x00", "UTF-8"),
    (b"phone\n\x00\x01\x02\x00\x00\x00", "UTF-8"),  # NULs, and not UTF-16 either
    (b"\xff\xfep\x00h\x00\x00\xd8", "UTF-16"),  # a BOM, then no UTF-16
    ("Name,Email\nAmina,amina@example.org\nJuma,juma@example.org\n".encode(), "no column of phone numbers"),
    ("Name\nAmina\nJuma\n".encode(), "no column of phone numbers"),  # never the names, read as 0 numbers
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


# Headers as real spreadsheets and phone exports write them; the column is found by its words.
@pytest.mark.parametrize("content, numbers", [
    ("Name,Phone No.\nAmina,0712345678\n", ["+254712345678"]),
    ("Jina,Mobile No\nAmina,0712345678\n", ["+254712345678"]),
    ("Name,Given Name,Phone 1 - Type,Phone 1 - Value\nAmina Otieno,Amina,Mobile,+254 712 345678\n"
     "Juma Kariuki,Juma,Work,0722 000 001\n", ["+254712345678", "+254722000001"]),  # Google Contacts export
    ("Jina,Namba ya simu\nAmina,0712345678\n", ["+254712345678"]),
    ("Full name,Tel.\nAmina,0712345678\n", ["+254712345678"]),
    ("Name,Cell phone #\nAmina,0712345678\n", ["+254712345678"]),
    ("Name,MSISDN\nAmina,254712345678\n", ["+254712345678"]),
    ("Name,PhoneNumber\nAmina,0712345678\n", ["+254712345678"]),
    ("Name,Telephone Number\nAmina,0712345678\n", ["+254712345678"]),
    ("Name,WhatsApp\nAmina,0712345678\n", ["+254712345678"]),
    ("Jina,Nambari\nAmina,0712345678\n", ["+254712345678"]),
    ("ID Number,Simu\n12345678,0712345678\n", ["+254712345678"]),  # "phone" words beat "number" words
])
def test_the_phone_column_is_found_by_its_header_words(content, numbers):
    read, problems = read_number_list(content.encode())
    assert (read, problems) == (numbers, [])


# No header says phone: the column whose cells mostly read as numbers, with or without a header.
@pytest.mark.parametrize("content, numbers, problem_rows", [
    ("Jina,Kaunti,Maelezo\nAmina,Kisumu,0712345678\nJuma,Nakuru,0722000001\n",
     ["+254712345678", "+254722000001"], []),
    ("Amina,0712345678\nJuma,0722000001\nWanjiru,not given\n", ["+254712345678", "+254722000001"], [3]),
    ("Name,ID Number,Contact person\nAmina,12345678,0712345678\nJuma,23456789,0722000001\n",
     ["+254712345678", "+254722000001"], []),  # "ID Number" holds no phone numbers
])
def test_the_phone_column_is_found_by_its_content(content, numbers, problem_rows):
    read, problems = read_number_list(content.encode())
    assert read == numbers
    assert [problem.row for problem in problems] == problem_rows


@pytest.mark.parametrize("cell", ["2.54712E+11", "2.54712345678E+11", "254712345678.0", "254712345678,00",
                                  "7.12345678E+8", "2,54712E+11"])
def test_a_number_excel_changed_is_refused_with_the_cause_and_the_cure(cell):
    content = f'Name,Phone\nAmina,0712345678\nJuma,"{cell}"\n'
    read, problems = read_number_list(content.encode())
    assert read == ["+254712345678"]
    assert [(problem.row, problem.value, problem.reason) for problem in problems] == [(3, cell, EXCEL)]


def test_a_column_excel_changed_throughout_is_still_the_phone_column():
    content = "Name,Namba\nAmina,2.54712E+11\nJuma,2.54722E+11\n"
    read, problems = read_number_list(content.encode())
    assert read == [] and [problem.reason for problem in problems] == [EXCEL, EXCEL]
    content = "Amina,2.54712E+11\nJuma,254722000001.0\n"  # no header either
    assert [problem.reason for problem in read_number_list(content.encode())[1]] == [EXCEL, EXCEL]


@pytest.mark.parametrize("encoding, bom", [("utf-16", b""), ("utf-16-be", b"\xfe\xff"), ("utf-8-sig", b""),
                                           ("utf-16-le", b""), ("utf-16-be", b"")])  # the last two lost their BOM
def test_utf16_with_its_bom_is_read(encoding, bom):
    content = "Jina\tNamba ya simu\r\nWanjiru Müller\t0712345678\r\nJuma\t0722000001\r\n"
    data = bom + content.encode(encoding)
    read, problems = read_number_list(data)
    assert (read, problems) == (["+254712345678", "+254722000001"], [])


@pytest.mark.parametrize("rows, found", [
    ([["Phone 1 - Type", "Phone 1 - Value"], ["Mobile", "0712345678"]], (1, True)),
    ([["0712345678"], ["0722000001"]], (0, False)),
    ([["Name", "Notes"], ["Amina", "likes tea"]], None),
    ([], None),
])
def test_find_phone_column(rows, found):
    assert find_phone_column(rows) == found


def test_read_rows_reads_excel_unicode_text():
    data = "Name\tPhone\r\nAmina\t0712345678\r\n".encode("utf-16")
    assert read_rows(data) == [["Name", "Phone"], ["Amina", "0712345678"]]
