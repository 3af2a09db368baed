"""SMS: inbound and outbound messages, number suppression (STOP), county optional on signatures.

Revision ID: 0002
Revises: 0001
"""

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("subscribers") as batch:
        batch.add_column(sa.Column("suppressed_at", sa.DateTime(timezone=True)))
    with op.batch_alter_table("petition_signatures") as batch:
        batch.alter_column("county", existing_type=sa.String(32), nullable=True)
    op.create_table(
        "inbound_messages",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("at_id", sa.String(64), nullable=False, unique=True),
        sa.Column("phone", sa.String(16), nullable=False),
        sa.Column("shortcode", sa.String(32), nullable=False),
        sa.Column("text", sa.String(1600), nullable=False),
        sa.Column("link_id", sa.String(64)),
        sa.Column("network_code", sa.String(16)),
        sa.Column("sent_at", sa.String(40)),
        sa.Column("received_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("handled_at", sa.DateTime(timezone=True)),
        sa.Column("outcome", sa.String(32)),
    )
    op.create_index("ix_inbound_messages_phone", "inbound_messages", ["phone"])
    op.create_table(
        "outbound_messages",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("phone", sa.String(16), nullable=False),
        sa.Column("text", sa.String(1600), nullable=False),
        sa.Column("purpose", sa.String(32), nullable=False),
        sa.Column("in_reply_to", sa.Integer, sa.ForeignKey("inbound_messages.id")),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("gateway_message_id", sa.String(64), unique=True),
        sa.Column("status_code", sa.Integer),
        sa.Column("cost", sa.String(32)),
        sa.Column("failure_reason", sa.String(64)),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("sent_at", sa.DateTime(timezone=True)),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_index("ix_outbound_messages_phone", "outbound_messages", ["phone"])


def downgrade():
    op.drop_table("outbound_messages")
    op.drop_table("inbound_messages")
    with op.batch_alter_table("petition_signatures") as batch:
        batch.alter_column("county", existing_type=sa.String(32), nullable=False)
    with op.batch_alter_table("subscribers") as batch:
        batch.drop_column("suppressed_at")
