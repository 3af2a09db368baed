"""Broadcasts: campaign messages to an audience, with a durable row per recipient.

Revision ID: 0003
Revises: 0002
"""

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "broadcasts",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("name", sa.String(80), nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("topics", sa.JSON, nullable=False),
        sa.Column("language", sa.String(8)),
        sa.Column("county", sa.String(32)),
        sa.Column("uses_list", sa.Boolean, nullable=False),
        sa.Column("texts", sa.JSON, nullable=False),
        sa.Column("urgent", sa.Boolean, nullable=False),
        sa.Column("send_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("recurrence", sa.String(64)),
        sa.Column("parent_id", sa.Integer, sa.ForeignKey("broadcasts.id")),
        sa.Column("created_by", sa.String(64), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("started_at", sa.DateTime(timezone=True)),
        sa.Column("finished_at", sa.DateTime(timezone=True)),
        sa.Column("planned_through", sa.Integer, nullable=False),
        sa.Column("planned_at", sa.DateTime(timezone=True)),
        sa.UniqueConstraint("parent_id", "send_at"),
    )
    op.create_index("ix_broadcasts_parent_id", "broadcasts", ["parent_id"])
    op.create_table(
        "broadcast_list_numbers",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("broadcast_id", sa.Integer, sa.ForeignKey("broadcasts.id"), nullable=False),
        sa.Column("phone", sa.String(16), nullable=False),
        sa.UniqueConstraint("broadcast_id", "phone"),
    )
    with op.batch_alter_table("outbound_messages") as batch:
        batch.add_column(sa.Column("broadcast_id", sa.Integer))
        batch.create_foreign_key("fk_outbound_messages_broadcast_id", "broadcasts", ["broadcast_id"], ["id"])
        batch.add_column(sa.Column("claim", sa.String(40)))
        batch.add_column(sa.Column("attempts", sa.Integer, nullable=False, server_default="0"))
        batch.add_column(sa.Column("retry_at", sa.DateTime(timezone=True)))
    # Nothing looks messages up by number, and under a million-row broadcast this index cost a
    # write in a random place per row (see the model).
    op.drop_index("ix_outbound_messages_phone", "outbound_messages")
    op.create_index(
        "ix_outbound_messages_broadcast_status", "outbound_messages", ["broadcast_id", "status", "id"]
    )


def downgrade():
    op.drop_index("ix_outbound_messages_broadcast_status", "outbound_messages")
    op.create_index("ix_outbound_messages_phone", "outbound_messages", ["phone"])
    with op.batch_alter_table("outbound_messages") as batch:
        batch.drop_constraint("fk_outbound_messages_broadcast_id", type_="foreignkey")
        for column in ("retry_at", "attempts", "claim", "broadcast_id"):
            batch.drop_column(column)
    op.drop_table("broadcast_list_numbers")
    op.drop_index("ix_broadcasts_parent_id", "broadcasts")
    op.drop_table("broadcasts")
