"""Subscribers from a CSV file that staff upload: every row checked first, then all imported in
one transaction or none.

Kenya's Data Protection Act 2019 wants consent that is specific and that we can prove, so an
import states how these people agreed (a sign-up sheet, a form, and when) and may carry a
`consent` column that must say yes on every row. Consent is recorded in the ledger per person
and topic, with the channel "import:<id>" leading to that statement. A number that texted STOP
is refused: only the person can undo a STOP (by texting JOIN).
"""

from dataclasses import dataclass

from sms_service.core.counties import find_county
from sms_service.core.csv_io import find_phone_column, header_key, read_rows
from sms_service.core.models import SubscriberImport
from sms_service.core.phone_numbers import InvalidPhoneNumber, normalise_msisdn
from sms_service.domain.campaigns.subscribers import get_or_create_subscriber
from sms_service.domain.campaigns.subscriptions import SUBSCRIBED, subscribe
from sms_service.domain.campaigns.suppression import suppressed_among

MAX_ROWS = 20_000
MIN_CONSENT_BASIS = 15
COLUMNS = {  # our name -> headers people use for it (letters only, lowercase); phone: csv_io.find_phone_column
    "language": ("language", "lang", "lugha"),
    "county": ("county", "kaunti"),
    "topics": ("topics", "topic", "mada"),
    "consent": ("consent", "consented", "ridhaa", "idhini"),
}
YES = {"yes", "y", "true", "1", "ndiyo", "ndio", "x"}


@dataclass(frozen=True)
class RowProblem:
    row: int
    reason: str

    def __str__(self):
        return f"row {self.row}: {self.reason}"


@dataclass(frozen=True)
class ImportRow:
    row: int
    phone: str
    language: str | None
    county: str | None
    topics: tuple


class ImportRefused(ValueError):
    """Nothing was imported; `problems` says why, row by row."""

    def __init__(self, problems):
        self.problems = problems
        super().__init__(f"{len(problems)} problem(s): nothing was imported")


def _read_rows(content):
    try:
        return read_rows(content)
    except ValueError as error:
        raise ImportRefused([RowProblem(0, str(error))]) from None


def read_subscriber_csv(content, book, default_topics=()):
    """Check every row of an upload; returns the rows, or raises ImportRefused with every problem.

    The first row is a header; `phone` is required, `language`, `county`, `topics` (codes split
    by spaces, commas or semicolons; else `default_topics`) and `consent` are optional.
    """
    rows = _read_rows(content)
    header = [header_key(cell) for cell in rows[0]]
    columns = {name: next((header.index(alias) for alias in aliases if alias in header), None)
               for name, aliases in COLUMNS.items()}
    found = find_phone_column(rows)
    if found is None:
        raise ImportRefused([RowProblem(1, "no phone column: head one column 'phone' (or mobile, tel, msisdn, simu)")])
    if not found[1]:
        raise ImportRefused([RowProblem(1, "the first row is a number, not a header: add a header row "
                                           "(phone, and language, county, topics, consent as you need)")])
    columns["phone"] = found[0]
    if columns["topics"] is None and not default_topics:
        raise ImportRefused([RowProblem(1, "no topics column and no topic chosen on the form")])
    if len(rows) - 1 > MAX_ROWS:
        raise ImportRefused([RowProblem(0, f"{len(rows) - 1} rows: import at most {MAX_ROWS} at a time")])
    checked, problems, first_row_of = [], [], {}
    for number, cells in enumerate(rows[1:], start=2):
        if not any(cell.strip() for cell in cells):
            continue
        cell = {name: (cells[index].strip() if index is not None and index < len(cells) else "")
                for name, index in columns.items()}
        row_problems = []
        phone = _check_phone(cell["phone"], row_problems)
        if phone in first_row_of:
            row_problems.append(f"{cell['phone']!r} is the same number as row {first_row_of[phone]}")
        language = cell["language"].lower() or None
        if language and language not in book.languages:
            row_problems.append(f"language {cell['language']!r} is not one of {', '.join(book.languages)}")
        county = find_county(cell["county"]) if cell["county"] else None
        if cell["county"] and county is None:
            row_problems.append(f"{cell['county']!r} is not a Kenyan county")
        topics = tuple(cell["topics"].replace(";", " ").replace(",", " ").lower().split()) or tuple(default_topics)
        unknown = [topic for topic in topics if topic not in book.topics]
        if unknown:
            row_problems.append(f"no such topic: {', '.join(unknown)} (topics: {', '.join(book.topics)})")
        elif not topics:
            row_problems.append("no topic")
        if columns["consent"] is not None and cell["consent"].lower() not in YES:
            row_problems.append(f"consent is {cell['consent']!r}, not yes: leave this person out")
        if row_problems:
            problems.extend(RowProblem(number, reason) for reason in row_problems)
            continue
        first_row_of[phone] = number
        checked.append(ImportRow(number, phone, language, county, topics))
    if problems:
        raise ImportRefused(problems)
    if not checked:
        raise ImportRefused([RowProblem(0, "the file has no rows under its header")])
    return checked


def _check_phone(value, row_problems):
    if not value:
        row_problems.append("no phone number")
        return None
    try:
        return normalise_msisdn(value)
    except InvalidPhoneNumber as error:
        row_problems.append(f"{value!r}: {error}")
        return None


def import_subscribers(session, rows, *, imported_by, filename, consent_basis, default_language, phone_keys, now):
    """Subscribe every row, in the caller's transaction; raises ImportRefused before writing
    anything if a number opted out (erased numbers that had opted out too, by their keyed hash
    under `phone_keys`). Returns (the import's record, subscriptions added)."""
    if len((consent_basis or "").strip()) < MIN_CONSENT_BASIS:
        raise ImportRefused([RowProblem(0, "say how these people gave consent, and when (for the consent ledger)")])
    phones = [row.phone for row in rows]
    stopped = set()
    for start in range(0, len(phones), 1000):
        stopped.update(suppressed_among(session, phones[start:start + 1000], phone_keys))
    if stopped:
        raise ImportRefused([RowProblem(row.row, "this number texted STOP: only the person can opt back in (JOIN)")
                             for row in rows if row.phone in stopped])
    record = SubscriberImport(imported_by=imported_by, imported_at=now, filename=filename[:200],
                              consent_basis=consent_basis.strip()[:500], rows=len(rows),
                              topics=sorted({topic for row in rows for topic in row.topics}))
    session.add(record)
    session.flush()
    channel, added = f"import:{record.id}", 0
    for row in rows:
        subscriber = get_or_create_subscriber(session, row.phone, row.language or default_language)
        # What the person chose themselves (by USSD or SMS) wins over a spreadsheet.
        subscriber.county = subscriber.county or row.county
        for topic in row.topics:
            outcome = subscribe(session, phone=row.phone, topic=topic, consent=True, channel=channel,
                                language=row.language or default_language, now=now)
            added += outcome == SUBSCRIBED
    return record, added
