"""teams_home_cards: each Teams person's home card (the message HireBot updates in place)

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-28 14:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0007"
down_revision: str | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "teams_home_cards",
        sa.Column("aad_object_id", sa.String(length=64), nullable=False),
        sa.Column("conversation_id", sa.String(length=500), nullable=False),
        sa.Column("activity_id", sa.String(length=255), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("aad_object_id", name=op.f("pk_teams_home_cards")),
    )


def downgrade() -> None:
    op.drop_table("teams_home_cards")
