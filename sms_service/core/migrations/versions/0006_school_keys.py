"""One school however typed: subscribers get `school_key`, and existing schools that share a key
and a county are merged into the first form typed.

The key is core/typed_text.py `matching_key` (quotes, accents, case, spacing, punctuation and
"St"/"St." folded; never fuzzy), computed in Python because SQLite's lower() is ASCII-only. Rows are
merged by exact (key, county) only, and every merge is printed.

Revision ID: 0006
Revises: 0005
"""

import sqlalchemy as sa
from alembic import op

from sms_service.core.typed_text import matching_key

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None

subscribers = sa.table(
    "subscribers",
    sa.column("id", sa.Integer), sa.column("school", sa.String), sa.column("county", sa.String),
    sa.column("school_key", sa.String),
)


def merge_schools(connection, report=print):
    """Key every registered school; give all rows of one (key, county) the form of the lowest id.
    Returns {(key, county): (kept form, [other forms merged into it])}."""
    rows = connection.execute(
        sa.select(subscribers.c.id, subscribers.c.school, subscribers.c.county)
        .where(subscribers.c.school.is_not(None)).order_by(subscribers.c.id)
    ).all()
    kept, merged = {}, {}
    for row_id, school, county in rows:
        key = matching_key(school)
        form = kept.setdefault((key, county), school)
        if school != form:
            merged.setdefault((key, county), (form, []))[1].append(school)
        connection.execute(subscribers.update().where(subscribers.c.id == row_id).values(school=form, school_key=key))
    for (key, county), (form, others) in sorted(merged.items(), key=lambda item: (item[0][0], item[0][1] or "")):
        shown = ", ".join(repr(other) for other in sorted(set(others)))
        report(f"merged school {shown} into {form!r} ({county or 'no county'}): {len(others)} student(s)")
    return merged


def upgrade():
    with op.batch_alter_table("subscribers") as batch:
        batch.add_column(sa.Column("school_key", sa.String(80)))
        batch.create_index("ix_subscribers_school_key", ["school_key"])
    merge_schools(op.get_bind())


def downgrade():
    # The merged display forms stay merged: what each student typed before was not kept.
    with op.batch_alter_table("subscribers") as batch:
        batch.drop_index("ix_subscribers_school_key")
        batch.drop_column("school_key")
