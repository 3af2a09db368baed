"""Events (forums, festivals, debates, workshops) and their registrations; schools registered by
a teacher or school contact, and each student's link to their school's record.

Revision ID: 0017
Revises: 0011
"""

import sqlalchemy as sa
from alembic import op

revision = "0017"
down_revision = "0011"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "schools",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("name", sa.String(60), nullable=False),
        sa.Column("name_key", sa.String(80), nullable=False),
        sa.Column("county", sa.String(32), nullable=False),
        sa.Column("contact_name", sa.String(64)),
        sa.Column("contact_phone", sa.String(16)),
        sa.Column("consent_confirmed_at", sa.DateTime(timezone=True)),
        sa.Column("channel", sa.String(16), nullable=False),
        sa.Column("registered_at", sa.DateTime(timezone=True), nullable=False),
        sa.UniqueConstraint("name_key", "county"),
    )
    op.create_index("ix_schools_contact_phone", "schools", ["contact_phone"])
    with op.batch_alter_table("subscribers") as batch:
        batch.add_column(sa.Column("school_id", sa.Integer))
        batch.create_index("ix_subscribers_school_id", ["school_id"])
    op.create_table(
        "events",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("code", sa.String(8), nullable=False, unique=True),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("titles", sa.JSON, nullable=False),
        sa.Column("campaign", sa.String(32)),
        sa.Column("venue", sa.String(60), nullable=False),
        sa.Column("county", sa.String(32), nullable=False),
        sa.Column("starts_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("ends_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("capacity", sa.Integer, nullable=False),
        sa.Column("audience", sa.String(8), nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("revision", sa.Integer, nullable=False),
        sa.Column("created_by", sa.String(64), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_table(
        "event_registrations",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("event_id", sa.Integer, sa.ForeignKey("events.id"), nullable=False),
        sa.Column("phone", sa.String(16), nullable=False),
        sa.Column("name", sa.String(64)),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("channel", sa.String(16), nullable=False),
        sa.Column("queued_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("line", sa.Integer, nullable=False),
        sa.Column("checked_in_at", sa.DateTime(timezone=True)),
        sa.Column("checked_in_by", sa.String(64)),
        sa.Column("evening_reminded", sa.Boolean, nullable=False),
        sa.Column("soon_reminded", sa.Boolean, nullable=False),
        sa.Column("notified_revision", sa.Integer, nullable=False),
        sa.Column("promoted_at", sa.DateTime(timezone=True)),
        sa.Column("promotion_told", sa.Boolean, nullable=False),
        sa.UniqueConstraint("event_id", "phone"),
    )
    op.create_index("ix_event_registrations_event_status", "event_registrations", ["event_id", "status", "line"])


def downgrade():
    op.drop_index("ix_event_registrations_event_status", "event_registrations")
    op.drop_table("event_registrations")
    op.drop_table("events")
    with op.batch_alter_table("subscribers") as batch:
        batch.drop_index("ix_subscribers_school_id")
        batch.drop_column("school_id")
    op.drop_index("ix_schools_contact_phone", "schools")
    op.drop_table("schools")
