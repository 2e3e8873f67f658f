"""teachers' requests: the case's kind, agreed date, company, feedback and pupils reached

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-30 22:40:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("case_file", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("kind", sa.String(length=10), server_default="pupil", nullable=False)
        )
        batch_op.add_column(sa.Column("event_date", sa.Date(), nullable=True))
        batch_op.add_column(sa.Column("company", sa.String(length=120), nullable=True))
        batch_op.add_column(sa.Column("feedback", sa.String(length=16), nullable=True))
        batch_op.add_column(sa.Column("pupils_reached", sa.Integer(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("case_file", schema=None) as batch_op:
        batch_op.drop_column("pupils_reached")
        batch_op.drop_column("feedback")
        batch_op.drop_column("company")
        batch_op.drop_column("event_date")
        batch_op.drop_column("kind")
