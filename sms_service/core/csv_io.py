"""CSV in and out: reading a file staff upload (UTF-8 with or without a BOM, or UTF-16 with its BOM
as Excel's "Unicode Text" saves; separated by ",", ";" or tabs, as spreadsheets in many locales
save), finding its phone column, and writing cells for exports that staff open in spreadsheets.

The phone column is found the same way for every upload (`find_phone_column`): by the words of
its header (phone, mobile, tel, cell, msisdn, simu, ...: "Phone No.", "Mobile No", Google
Contacts' "Phone 1 - Value", "Namba ya simu"), the column whose cells hold the most numbers
winning among several; failing that, by content: the column whose cells mostly read as phone
numbers, with or without a header row.
"""

import codecs
import csv
import io
import re

from sms_service.core.phone_numbers import InvalidPhoneNumber, excel_mangled, normalise_msisdn

UTF16_BOMS = (codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)


def read_rows(content):
    """The file's rows as lists of cells; ValueError with the reason when it cannot be read."""
    if isinstance(content, bytes):
        content = _decode(content)
    if not content.strip():
        raise ValueError("the file is empty")
    try:
        dialect = csv.Sniffer().sniff(content[:4096], delimiters=",;\t")
    except csv.Error:
        dialect = csv.excel
    try:
        return list(csv.reader(io.StringIO(content), dialect))
    except csv.Error as error:  # a cell over csv.field_size_limit() (128 KiB), a NUL byte, ...
        raise ValueError(f"the file cannot be read as CSV ({error}): save it again as CSV (UTF-8)") from None


def _decode(content):
    if content.startswith(UTF16_BOMS):
        try:
            return content.decode("utf-16")
        except UnicodeDecodeError:
            raise ValueError("the file starts like UTF-16 text but is not: save it as CSV (UTF-8)") from None
    head = content[:4096]
    if b"\x00" in head:  # no text has NULs: UTF-16 that lost its BOM, or not text at all
        odd, even = head[1::2].count(0), head[0::2].count(0)
        if max(odd, even) * 4 >= len(head) and min(odd, even) == 0:
            try:
                return content.decode("utf-16-le" if odd else "utf-16-be")
            except UnicodeDecodeError:
                pass
        raise ValueError("the file is not UTF-8 text: save it as CSV (UTF-8)")
    try:
        return content.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise ValueError("the file is not UTF-8 text: save it as CSV (UTF-8)") from None


def header_key(cell):
    """A header cell as letters only, lowercase: "Mobile Number" -> "mobilenumber"."""
    return "".join(filter(str.isalpha, cell.lower()))


def header_words(cell):
    """A header cell's words, lowercase letters only: "Phone 1 - Value" -> ("phone", "value"),
    "PhoneNumber" -> ("phone", "number")."""
    spaced = re.sub(r"([a-z])([A-Z])", r"\1 \2", cell)
    return tuple(word for word in re.split(r"[^a-z]+", spaced.lower()) if word)


# Words in the header of a column of phone numbers (EN, SW, Sheng), as `header_words` reads them:
# any one of these says "phone"; a word containing "phone" or "mobile" does too (cellphone,
# telephone, smartphone).
PHONE_WORDS = frozenset({"phone", "phones", "mobile", "mobiles", "tel", "tele", "telephone", "cell", "cellphone",
                         "msisdn", "msisdns", "simu", "rununu", "whatsapp", "gsm"})
# Weaker: they name a number column when no header says "phone" ("Number", "Namba", "Nambari").
NUMBER_WORDS = frozenset({"number", "numbers", "namba", "nambari", "nambre", "contact", "contacts"})
# Kept for the other columns of an import, which are still found by their whole header.
PHONE_COLUMNS = ("phone", "phonenumber", "number", "msisdn", "mobile", "mobilenumber", "simu", "nambari",
                 "nambariyasimu", "telephone", "tel")
MOSTLY = 0.5  # share of a column's filled cells that must read as numbers for content to decide
SAMPLE_ROWS = 200  # rows looked at to judge a column by its content


def header_strength(cell):
    """2 when a header cell's words say phone, 1 when they only say number, else 0."""
    words = header_words(cell)
    if any(word in PHONE_WORDS or "phone" in word or "mobile" in word for word in words):
        return 2
    return 1 if any(word in NUMBER_WORDS for word in words) else 0


def looks_like_phone(cell):
    """True when a cell reads as a phone number, or as one Excel mangled (it is still the phone
    column; each such cell is refused with the cause and the cure)."""
    cell = cell.strip()
    if not cell or sum(char.isdigit() for char in cell) < 7:
        return False
    if excel_mangled(cell):
        return True
    try:
        normalise_msisdn(cell)
    except InvalidPhoneNumber:
        return False
    return True


def find_phone_column(rows):
    """(column index, whether the first row is a header) of the phone numbers in `rows`, or None.

    By the header's words first: the strongest header wins, and among equally strong ones, the
    column whose cells hold most numbers (Google Contacts has "Phone 1 - Type" before "Phone 1 -
    Value"). Failing that, the column whose filled cells mostly read as numbers; its first row is
    a header unless it reads as a number too.
    """
    if not rows:
        return None
    header, body = rows[0], rows[1:1 + SAMPLE_ROWS]
    width = max(len(row) for row in rows[:1 + SAMPLE_ROWS])

    def numbers_in(index, cells_of):
        return sum(1 for row in cells_of if index < len(row) and looks_like_phone(row[index]))

    strengths = [header_strength(cell) for cell in header]
    best = max(strengths, default=0)
    if best:
        named = [index for index, strength in enumerate(strengths) if strength == best]
        index = max(named, key=lambda index: (numbers_in(index, body), -index))
        # A header that says phone is trusted (its bad cells are each reported); one that only says
        # "number" must hold some ("ID Number" is not a phone column).
        if best == 2 or not body or numbers_in(index, body):
            return index, True
    sample = rows[:1 + SAMPLE_ROWS]
    for index in range(width):
        filled = sum(1 for row in sample if index < len(row) and row[index].strip())
        found = numbers_in(index, sample)
        if found and found >= MOSTLY * filled:
            return index, not looks_like_phone(header[index]) if index < len(header) else True
    return None


# Cells staff open in a spreadsheet: names and texts come from the public.
FORMULA_STARTS = ("=", "@", "+", "-", "\t", "\r")


def safe_cell(value):
    """A cell a spreadsheet will not run as a formula ("=HYPERLINK(...)" is written "'=HYPERLINK(...)").
    Phone numbers (+254...) and negative numbers stay as they are."""
    if value is None:
        return ""
    text = str(value)
    if text.startswith(FORMULA_STARTS) and not text[1:].replace(".", "").isdigit():
        return "'" + text
    return text
