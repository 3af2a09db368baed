"""Booklet requests and essay entrants link to the school's record (schools.id): a booklet goes to
a school its contact registered, an essay entrant is a student of a school whose contact confirmed
guardians' consent (Data Protection Act 2019 s.33). Rows from before stay unlinked (NULL).

Revision ID: 0019
Revises: 0012
"""

import sqlalchemy as sa
from alembic import op

revision = "0019"
down_revision = "0012"
branch_labels = None
depends_on = None

TABLES = ("booklet_requests", "essay_entrants")


def upgrade():
    for table in TABLES:
        with op.batch_alter_table(table) as batch:
            batch.add_column(sa.Column("school_id", sa.Integer))
            batch.create_index(f"ix_{table}_school_id", ["school_id"])


def downgrade():
    for table in TABLES:
        with op.batch_alter_table(table) as batch:
            batch.drop_index(f"ix_{table}_school_id")
            batch.drop_column("school_id")
