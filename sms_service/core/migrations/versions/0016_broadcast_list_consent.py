"""A broadcast to an uploaded CSV list keeps the consent basis staff stated for it, as a
subscriber import does. Lists sent before this have none (NULL).

Revision ID: 0016
Revises: 0010
"""

import sqlalchemy as sa
from alembic import op

revision = "0016"
down_revision = "0010"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("broadcasts") as batch:
        batch.add_column(sa.Column("consent_basis", sa.String(500)))


def downgrade():
    with op.batch_alter_table("broadcasts") as batch:
        batch.drop_column("consent_basis")
