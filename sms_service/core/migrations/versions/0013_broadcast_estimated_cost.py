"""A broadcast's estimated cost (KES), kept for the spend guard's monthly budget.

Revision ID: 0013
Revises: 0014
"""

import sqlalchemy as sa
from alembic import op

revision = "0013"
down_revision = "0014"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("broadcasts") as batch:
        batch.add_column(sa.Column("estimated_cost", sa.Float))


def downgrade():
    with op.batch_alter_table("broadcasts") as batch:
        batch.drop_column("estimated_cost")
