"""change_counters: a row the change pipeline bumps in every change's transaction, so answers
cached across requests (``bot.changes.readcache``) know when they went stale

Revision ID: 0008
Revises: 0007
Create Date: 2026-11-28 14:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0008"
down_revision: str | None = "0007"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    counters = op.create_table(
        "change_counters",
        sa.Column("scope", sa.String(length=32), nullable=False),
        sa.Column("n", sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint("scope", name=op.f("pk_change_counters")),
    )
    op.bulk_insert(counters, [{"scope": "panels", "n": 0}])


def downgrade() -> None:
    op.drop_table("change_counters")
