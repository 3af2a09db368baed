"""Reading a CSV file staff upload: UTF-8 with or without a BOM, separated by ",", ";" or tabs
(spreadsheets in many locales save with ";" or tabs)."""

import csv
import io


def read_rows(content):
    """The file's rows as lists of cells; ValueError with the reason when it cannot be read."""
    if isinstance(content, bytes):
        try:
            content = content.decode("utf-8-sig")
        except UnicodeDecodeError:
            raise ValueError("the file is not UTF-8 text: save it as CSV (UTF-8)") from None
    if not content.strip():
        raise ValueError("the file is empty")
    try:
        dialect = csv.Sniffer().sniff(content[:4096], delimiters=",;\t")
    except csv.Error:
        dialect = csv.excel
    return list(csv.reader(io.StringIO(content), dialect))


def header_key(cell):
    """A header cell as letters only, lowercase: "Mobile Number" -> "mobilenumber"."""
    return "".join(filter(str.isalpha, cell.lower()))
