"""Optional two-factor login for staff: a TOTP secret per account (RFC 6238), unset by default.

Revision ID: 0008
Revises: 0005
"""

import sqlalchemy as sa
from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("staff_accounts") as batch:
        batch.add_column(sa.Column("totp_secret", sa.String(64)))


def downgrade():
    with op.batch_alter_table("staff_accounts") as batch:
        batch.drop_column("totp_secret")
