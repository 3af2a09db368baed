"""USSD journeys: each ended session's screens and outcome, for the console's journeys page.

Revision ID: 0011
Revises: 0013 (the head of main when it merged)
"""

import sqlalchemy as sa
from alembic import op

revision = "0011"
down_revision = "0013"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "ussd_journeys",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("session_id", sa.String(100), nullable=False, unique=True),
        sa.Column("phone_key", sa.String(64)),
        sa.Column("network", sa.String(16)),
        sa.Column("language", sa.String(8)),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("closed_by", sa.String(8), nullable=False),
        sa.Column("path", sa.JSON, nullable=False),
        sa.Column("refused", sa.JSON, nullable=False),
        sa.Column("hops", sa.Integer, nullable=False),
        sa.Column("duration_ms", sa.Integer),
        sa.Column("cost", sa.String(24)),
        sa.Column("error_message", sa.String(500)),
        sa.Column("started_at", sa.DateTime(timezone=True)),
        sa.Column("ended_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_index("ix_ussd_journeys_ended_at", "ussd_journeys", ["ended_at"])


def downgrade():
    op.drop_index("ix_ussd_journeys_ended_at", table_name="ussd_journeys")
    op.drop_table("ussd_journeys")
