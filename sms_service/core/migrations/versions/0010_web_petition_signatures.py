"""Web petition signatures: a signature without a subscriber, the signer's country, and a
fingerprint of name and email to notice a second web signature by the same person.

Phone signatures made before this get the country of their number.

Revision ID: 0010
Revises: 0005
"""

import sqlalchemy as sa
from alembic import op

from sms_service.core.countries import country_of_number

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None

BACKFILL_CHUNK = 500  # numbers per UPDATE: well under every driver's limit on parameters


def upgrade():
    with op.batch_alter_table("petition_signatures") as batch:
        batch.alter_column("subscriber_id", existing_type=sa.Integer, nullable=True)
        batch.add_column(sa.Column("country", sa.String(2)))
        batch.add_column(sa.Column("fingerprint", sa.String(64)))
        batch.create_unique_constraint("uq_petition_signatures_fingerprint", ["petition", "fingerprint"])
    connection = op.get_bind()
    phones = connection.execute(sa.text(
        "SELECT DISTINCT s.phone FROM subscribers s JOIN petition_signatures p ON p.subscriber_id = s.id"
    )).scalars().all()
    by_country = {}
    for phone in phones:
        by_country.setdefault(country_of_number(phone), []).append(phone)
    update = sa.text(
        "UPDATE petition_signatures SET country = :country"
        " WHERE subscriber_id IN (SELECT id FROM subscribers WHERE phone IN :phones)"
    ).bindparams(sa.bindparam("phones", expanding=True))
    for country, numbers in by_country.items():
        if country is None:
            continue
        for start in range(0, len(numbers), BACKFILL_CHUNK):
            connection.execute(update, {"country": country, "phones": numbers[start:start + BACKFILL_CHUNK]})


def downgrade():
    op.execute("DELETE FROM petition_signatures WHERE subscriber_id IS NULL")
    with op.batch_alter_table("petition_signatures") as batch:
        batch.drop_constraint("uq_petition_signatures_fingerprint", type_="unique")
        batch.drop_column("fingerprint")
        batch.drop_column("country")
        batch.alter_column("subscriber_id", existing_type=sa.Integer, nullable=False)
