"""Cells for CSV exports that staff open in spreadsheets: names and texts come from the public."""

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
