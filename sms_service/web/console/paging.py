"""Lists a page at a time, newest first: one row more than shown tells whether an older page exists."""

from dataclasses import dataclass

from flask import request

MAX_PAGE = 1_000_000  # beyond any list here; a bigger ?page= shows this one (empty)


@dataclass(frozen=True)
class Page:
    rows: list
    number: int
    has_next: bool


def page_of(session, query, size, scalars=True):
    """The page of `query` named by ?page= (1 when missing or nonsense)."""
    # Capped: a huge ?page= would make an offset the database cannot hold (SQLite: OverflowError).
    number = min(max(1, request.args.get("page", 1, type=int)), MAX_PAGE)
    bounded = query.offset((number - 1) * size).limit(size + 1)
    rows = (session.scalars(bounded) if scalars else session.execute(bounded)).all()
    return Page(rows[:size], number, len(rows) > size)
