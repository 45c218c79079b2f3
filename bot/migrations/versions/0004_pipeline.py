"""one change pipeline: when each seat joined, the lapsed lease a claim took over, and
submissions already applied

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-28 08:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0004"
down_revision: str | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("panelists") as batch:
        batch.add_column(sa.Column("joined_at", sa.DateTime(timezone=True), nullable=True))
    # Seats that exist already joined when their panel was scheduled.
    op.execute(
        "UPDATE panelists SET joined_at ="
        " (SELECT panels.created_at FROM panels WHERE panels.id = panelists.panel_id)"
    )
    with op.batch_alter_table("nudges") as batch:
        batch.add_column(sa.Column("lapsed_lease_until", sa.DateTime(timezone=True), nullable=True))
    op.create_index(
        "ix_nudges_recipient_status_due", "nudges", ["recipient_id", "status", "due_at"]
    )
    op.create_table(
        "submissions",
        sa.Column("key", sa.String(length=255), nullable=False),
        sa.Column("panel_id", sa.Integer(), nullable=True),
        sa.Column("action", sa.String(length=32), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("key", name=op.f("pk_submissions")),
    )


def downgrade() -> None:
    op.drop_table("submissions")
    op.drop_index("ix_nudges_recipient_status_due", table_name="nudges")
    with op.batch_alter_table("nudges") as batch:
        batch.drop_column("lapsed_lease_until")
    with op.batch_alter_table("panelists") as batch:
        batch.drop_column("joined_at")
