"""panels.revision: bumped by the change pipeline in every change to the panel, so what was
loaded of a panel (App Home's facts, ``bot.home.facts``) is known to be current or not

Revision ID: 0009
Revises: 0008
Create Date: 2026-11-28 17:30:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0009"
down_revision: str | None = "0008"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("panels") as batch:
        batch.add_column(sa.Column("revision", sa.Integer(), nullable=False, server_default="0"))


def downgrade() -> None:
    with op.batch_alter_table("panels") as batch:
        batch.drop_column("revision")
