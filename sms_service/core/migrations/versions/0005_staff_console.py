"""The staff console: accounts, the audit log, subscriber imports with their consent basis.

Revision ID: 0005
Revises: 0004
"""

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "staff_accounts",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("username", sa.String(64), nullable=False, unique=True),
        sa.Column("password_hash", sa.String(256), nullable=False),
        sa.Column("role", sa.String(16), nullable=False),
        sa.Column("active", sa.Boolean, nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("last_login_at", sa.DateTime(timezone=True)),
    )
    op.create_table(
        "audit_entries",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("actor", sa.String(64), nullable=False),
        sa.Column("action", sa.String(40), nullable=False),
        sa.Column("subject", sa.String(200), nullable=False),
        sa.Column("detail", sa.JSON, nullable=False),
    )
    op.create_index("ix_audit_entries_actor", "audit_entries", ["actor"])
    op.create_table(
        "subscriber_imports",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("imported_by", sa.String(64), nullable=False),
        sa.Column("imported_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("filename", sa.String(200), nullable=False),
        sa.Column("consent_basis", sa.String(500), nullable=False),
        sa.Column("topics", sa.JSON, nullable=False),
        sa.Column("rows", sa.Integer, nullable=False),
    )


def downgrade():
    op.drop_table("subscriber_imports")
    op.drop_index("ix_audit_entries_actor", "audit_entries")
    op.drop_table("audit_entries")
    op.drop_table("staff_accounts")
