"""Daily figures: per Nairobi day and campaign, what the console's charts show, kept by the
workers' clock (no index is added to the message tables).

Revision ID: 0012
Revises: 0018
"""

import sqlalchemy as sa
from alembic import op

revision = "0012"
down_revision = "0018"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "daily_figures",
        sa.Column("campaign", sa.String(32), primary_key=True),
        sa.Column("metric", sa.String(32), primary_key=True),
        sa.Column("day", sa.Date, primary_key=True),
        sa.Column("detail", sa.String(64), primary_key=True),
        sa.Column("value", sa.Float, nullable=False),
        sa.Column("computed_at", sa.DateTime(timezone=True), nullable=False),
    )


def downgrade():
    op.drop_table("daily_figures")
