"""Outbound messages keep the status word of their last delivery report as the gateway wrote it,
so that a word we do not know yet is kept (with the message's state unchanged), not refused.

Revision ID: 0007
Revises: 0005
"""

import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade():
    op.add_column("outbound_messages", sa.Column("raw_delivery_status", sa.String(32)))


def downgrade():
    with op.batch_alter_table("outbound_messages") as batch:
        batch.drop_column("raw_delivery_status")
