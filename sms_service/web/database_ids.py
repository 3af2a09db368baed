"""Ids in URLs: every `<int:...>` segment of every route is a database id, read by
`DatabaseIdConverter`, which create_app installs as the app's `int` converter."""

from werkzeug.routing import IntegerConverter

# The schema's ids are INTEGER: 32 bits on PostgreSQL (SQLite's hold 64, and raise OverflowError
# past them). A larger number is no row's id on either, and PostgreSQL refuses it in a query.
MAX_ID = 2**31 - 1


class DatabaseIdConverter(IntegerConverter):
    """A whole number from 1 to MAX_ID. Any other number matches no route, so it is a 404 like an
    unknown id, and never reaches a query. A rule may still narrow it (`<int(max=9):n>`)."""

    def __init__(self, map, fixed_digits=0, min=1, max=MAX_ID, signed=False):
        super().__init__(map, fixed_digits=fixed_digits, min=min, max=max, signed=signed)
