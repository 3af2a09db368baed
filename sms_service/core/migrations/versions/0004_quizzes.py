"""Quizzes: attempts and answers, a student's school, and broadcasts that push a quiz.

Revision ID: 0004
Revises: 0003
"""

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None

OPEN = sa.text("status = 'open'")


def upgrade():
    with op.batch_alter_table("subscribers") as batch:
        batch.add_column(sa.Column("school", sa.String(60)))
    with op.batch_alter_table("broadcasts") as batch:
        batch.add_column(sa.Column("school", sa.String(60)))
        batch.add_column(sa.Column("quiz", sa.String(32)))
    op.create_table(
        "quiz_attempts",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("quiz", sa.String(32), nullable=False),
        sa.Column("phone", sa.String(16), nullable=False),
        sa.Column("language", sa.String(8), nullable=False),
        sa.Column("channel", sa.String(16), nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("next_question", sa.Integer, nullable=False),
        sa.Column("score", sa.Integer, nullable=False),
        sa.Column("started_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("last_prompt_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("reminded_question", sa.Integer),
        sa.Column("finished_at", sa.DateTime(timezone=True)),
        sa.Column("broadcast_id", sa.Integer, sa.ForeignKey("broadcasts.id")),
        sa.UniqueConstraint("quiz", "phone"),
    )
    op.create_index("ix_quiz_attempts_one_open", "quiz_attempts", ["phone"], unique=True,
                    sqlite_where=OPEN, postgresql_where=OPEN)
    op.create_index("ix_quiz_attempts_status_prompted", "quiz_attempts", ["status", "last_prompt_at"])
    op.create_table(
        "quiz_answers",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("attempt_id", sa.Integer, sa.ForeignKey("quiz_attempts.id"), nullable=False),
        sa.Column("question", sa.Integer, nullable=False),
        sa.Column("choice", sa.String(1), nullable=False),
        sa.Column("correct", sa.Boolean, nullable=False),
        sa.Column("channel", sa.String(16), nullable=False),
        sa.Column("answered_at", sa.DateTime(timezone=True), nullable=False),
        sa.UniqueConstraint("attempt_id", "question"),
    )


def downgrade():
    op.drop_table("quiz_answers")
    op.drop_index("ix_quiz_attempts_status_prompted", "quiz_attempts")
    op.drop_index("ix_quiz_attempts_one_open", "quiz_attempts")
    op.drop_table("quiz_attempts")
    with op.batch_alter_table("broadcasts") as batch:
        batch.drop_column("quiz")
        batch.drop_column("school")
    with op.batch_alter_table("subscribers") as batch:
        batch.drop_column("school")
