"""The conversations inbox: one thread per number, and staff notes and replies in it.

Revision ID: 0014
Revises: 0015
"""

import sqlalchemy as sa
from alembic import op

revision = "0014"
down_revision = "0015"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "conversations",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("phone", sa.String(16), nullable=False, unique=True),
        sa.Column("last_text_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("needs_human_since", sa.DateTime(timezone=True)),
        sa.Column("urgent_since", sa.DateTime(timezone=True)),
        sa.Column("restricted", sa.Boolean, nullable=False),
        sa.Column("topic", sa.String(32)),
        sa.Column("assigned_to", sa.String(64)),
        sa.Column("handled_at", sa.DateTime(timezone=True)),
        sa.Column("handled_by", sa.String(64)),
        sa.Column("helplines_sent_at", sa.DateTime(timezone=True)),
    )
    op.create_index("ix_conversations_last_text_at", "conversations", ["last_text_at"])
    op.create_table(
        "conversation_entries",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("conversation_id", sa.Integer, sa.ForeignKey("conversations.id"), nullable=False),
        sa.Column("kind", sa.String(8), nullable=False),
        sa.Column("author", sa.String(64), nullable=False),
        sa.Column("text", sa.String(1600)),
        sa.Column("outbound_message_id", sa.Integer, sa.ForeignKey("outbound_messages.id")),
        sa.Column("written_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_index("ix_conversation_entries_conversation_id", "conversation_entries", ["conversation_id"])


def downgrade():
    op.drop_index("ix_conversation_entries_conversation_id", "conversation_entries")
    op.drop_table("conversation_entries")
    op.drop_index("ix_conversations_last_text_at", "conversations")
    op.drop_table("conversations")
