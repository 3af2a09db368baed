"""Erasure on request: the keyed hashes of erased numbers that had opted out, so they stay out.

Revision ID: 0015
Revises: 0016
"""

import sqlalchemy as sa
from alembic import op

revision = "0015"
down_revision = "0016"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "erased_opt_outs",
        sa.Column("key", sa.String(64), primary_key=True),
        sa.Column("erased_at", sa.DateTime(timezone=True), nullable=False),
    )


def downgrade():
    op.drop_table("erased_opt_outs")
