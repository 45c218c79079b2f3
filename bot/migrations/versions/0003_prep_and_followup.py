"""prep state on panelists; feedback, decisions and candidate updates after the panel

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-25 10:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("panelists") as batch:
        batch.add_column(sa.Column("confirmed_at", sa.DateTime(timezone=True), nullable=True))
        batch.add_column(sa.Column("declined_at", sa.DateTime(timezone=True), nullable=True))
        batch.add_column(sa.Column("decline_reason", sa.Text(), nullable=False, server_default=""))
        batch.add_column(
            sa.Column("planned_questions", sa.JSON(), nullable=False, server_default="[]")
        )
        batch.add_column(
            sa.Column("questions_planned_at", sa.DateTime(timezone=True), nullable=True)
        )
        batch.add_column(sa.Column("packet_channel", sa.String(length=32), nullable=True))
        batch.add_column(sa.Column("packet_ts", sa.String(length=32), nullable=True))
        batch.add_column(sa.Column("excused_at", sa.DateTime(timezone=True), nullable=True))

    op.create_table(
        "feedback",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("panel_id", sa.Integer(), nullable=False),
        sa.Column("author_id", sa.String(length=32), nullable=False),
        sa.Column("recommendation", sa.String(length=16), nullable=False),
        sa.Column("rating", sa.Integer(), nullable=False),
        sa.Column("evidence", sa.Text(), nullable=False),
        sa.Column("concerns", sa.Text(), nullable=False),
        sa.Column("questions_asked", sa.JSON(), nullable=False),
        sa.Column("submitted_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["panel_id"],
            ["panels.id"],
            name=op.f("fk_feedback_panel_id_panels"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_feedback")),
        sa.UniqueConstraint("panel_id", "author_id", name=op.f("uq_feedback_panel_id")),
    )
    op.create_table(
        "decisions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("panel_id", sa.Integer(), nullable=False),
        sa.Column("outcome", sa.String(length=16), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("decided_by", sa.String(length=32), nullable=False),
        sa.Column("decided_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["panel_id"],
            ["panels.id"],
            name=op.f("fk_decisions_panel_id_panels"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_decisions")),
    )
    op.create_index("ix_decisions_panel", "decisions", ["panel_id", "decided_at"])
    op.create_table(
        "candidate_updates",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("panel_id", sa.Integer(), nullable=False),
        sa.Column("author_id", sa.String(length=32), nullable=False),
        sa.Column("note", sa.Text(), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["panel_id"],
            ["panels.id"],
            name=op.f("fk_candidate_updates_panel_id_panels"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_candidate_updates")),
    )
    op.create_index("ix_candidate_updates_panel", "candidate_updates", ["panel_id", "at"])


def downgrade() -> None:
    op.drop_index("ix_candidate_updates_panel", table_name="candidate_updates")
    op.drop_table("candidate_updates")
    op.drop_index("ix_decisions_panel", table_name="decisions")
    op.drop_table("decisions")
    op.drop_table("feedback")
    with op.batch_alter_table("panelists") as batch:
        for column in (
            "excused_at",
            "packet_ts",
            "packet_channel",
            "questions_planned_at",
            "planned_questions",
            "decline_reason",
            "declined_at",
            "confirmed_at",
        ):
            batch.drop_column(column)
