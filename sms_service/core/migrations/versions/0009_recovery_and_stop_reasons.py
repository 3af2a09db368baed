"""An index on the inbound messages not handled yet, which the workers' clock looks for every
minute (messaging/recovery.py): it holds only those few rows, whatever the table's size. And why
the service paused a broadcast by itself (the gateway refused the account), for staff to read.

Revision ID: 0009
Revises: 0005
"""

import sqlalchemy as sa
from alembic import op

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None

UNHANDLED = sa.text("handled_at IS NULL")


def upgrade():
    with op.batch_alter_table("broadcasts") as batch:
        batch.add_column(sa.Column("stop_reason", sa.String(200)))
    op.create_index("ix_inbound_messages_unhandled", "inbound_messages", ["received_at"],
                    sqlite_where=UNHANDLED, postgresql_where=UNHANDLED)


def downgrade():
    op.drop_index("ix_inbound_messages_unhandled", table_name="inbound_messages")
    with op.batch_alter_table("broadcasts") as batch:
        batch.drop_column("stop_reason")
