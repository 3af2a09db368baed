"""Booklet requests from teachers, essay competitions and their entrants (README "School
programmes").

Revision ID: 0018
Revises: 0017
"""

import sqlalchemy as sa
from alembic import op

revision = "0018"
down_revision = "0017"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "booklet_requests",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("phone", sa.String(16), nullable=False),
        sa.Column("booklet", sa.String(32), nullable=False),
        sa.Column("pupils", sa.Integer, nullable=False),
        sa.Column("approved_quantity", sa.Integer),
        sa.Column("school", sa.String(60), nullable=False),
        sa.Column("county", sa.String(32), nullable=False),
        sa.Column("delivery_address", sa.String(120), nullable=False),
        sa.Column("language", sa.String(8), nullable=False),
        sa.Column("channel", sa.String(16), nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("requested_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("decided_at", sa.DateTime(timezone=True)),
        sa.Column("dispatched_at", sa.DateTime(timezone=True)),
        sa.Column("decided_by", sa.String(64)),
    )
    op.create_index("ix_booklet_requests_phone", "booklet_requests", ["phone"])
    op.create_index("ix_booklet_requests_county_status", "booklet_requests", ["county", "status"])
    op.create_table(
        "essay_competitions",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("title", sa.JSON, nullable=False),
        sa.Column("theme", sa.JSON, nullable=False),
        sa.Column("deadline", sa.DateTime(timezone=True), nullable=False),
        sa.Column("submission", sa.String(8), nullable=False),
        sa.Column("submit_email", sa.String(80)),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("results", sa.JSON),
        sa.Column("week_reminder_at", sa.DateTime(timezone=True)),
        sa.Column("day_reminder_at", sa.DateTime(timezone=True)),
        sa.Column("announced_at", sa.DateTime(timezone=True)),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("created_by", sa.String(64), nullable=False),
    )
    op.create_table(
        "essay_entrants",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("competition_id", sa.Integer, sa.ForeignKey("essay_competitions.id"), nullable=False),
        sa.Column("phone", sa.String(16), nullable=False),
        sa.Column("school", sa.String(60), nullable=False),
        sa.Column("school_key", sa.String(80), nullable=False),
        sa.Column("county", sa.String(32), nullable=False),
        sa.Column("language", sa.String(8), nullable=False),
        sa.Column("channel", sa.String(16), nullable=False),
        sa.Column("entered_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("theme_sent_at", sa.DateTime(timezone=True)),
        sa.UniqueConstraint("competition_id", "phone"),
    )
    op.create_index("ix_essay_entrants_competition_id", "essay_entrants", ["competition_id"])
    op.create_index("ix_essay_entrants_phone", "essay_entrants", ["phone"])


def downgrade():
    op.drop_table("essay_entrants")
    op.drop_table("essay_competitions")
    op.drop_table("booklet_requests")
