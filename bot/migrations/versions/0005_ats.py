"""ATS connectors: interviews linked to panels, the ATS work queue, résumés shared, sync state

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-28 11:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0005"
down_revision: str | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

UTC = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "ats_links",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("source", sa.String(length=16), nullable=False),
        sa.Column("external_id", sa.String(length=100), nullable=False),
        sa.Column("panel_id", sa.Integer(), nullable=True),
        sa.Column("candidate_external_id", sa.String(length=100), nullable=False),
        sa.Column("ats_updated_at", UTC, nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("refs", sa.JSON(), nullable=False),
        sa.Column("people", sa.JSON(), nullable=False),
        sa.Column("unmatched", sa.JSON(), nullable=False),
        sa.Column("candidate_url", sa.String(length=500), nullable=False),
        sa.Column("scorecard_url", sa.String(length=500), nullable=False),
        sa.Column("created_at", UTC, nullable=False),
        sa.Column("updated_at", UTC, nullable=False),
        sa.ForeignKeyConstraint(
            ["panel_id"],
            ["panels.id"],
            name=op.f("fk_ats_links_panel_id_panels"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_ats_links")),
        sa.UniqueConstraint("source", "external_id", name=op.f("uq_ats_links_source")),
    )
    op.create_index("ix_ats_links_panel", "ats_links", ["panel_id"])
    op.create_table(
        "ats_tasks",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=32), nullable=False),
        sa.Column("dedupe_key", sa.String(length=255), nullable=False),
        sa.Column("panel_id", sa.Integer(), nullable=True),
        sa.Column("payload", sa.JSON(), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("due_at", UTC, nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("lease_until", UTC, nullable=True),
        sa.Column("last_error", sa.Text(), nullable=True),
        sa.Column("created_at", UTC, nullable=False),
        sa.Column("updated_at", UTC, nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_ats_tasks")),
        sa.UniqueConstraint("dedupe_key", name=op.f("uq_ats_tasks_dedupe_key")),
    )
    op.create_index("ix_ats_tasks_status_due", "ats_tasks", ["status", "due_at"])
    op.create_table(
        "ats_resumes",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("panel_id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.String(length=32), nullable=False),
        sa.Column("channel", sa.String(length=32), nullable=False),
        sa.Column("file_id", sa.String(length=64), nullable=False),
        sa.Column("delivered_at", UTC, nullable=False),
        sa.Column("deleted_at", UTC, nullable=True),
        sa.ForeignKeyConstraint(
            ["panel_id"],
            ["panels.id"],
            name=op.f("fk_ats_resumes_panel_id_panels"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_ats_resumes")),
        sa.UniqueConstraint("panel_id", "user_id", name=op.f("uq_ats_resumes_panel_id")),
    )
    op.create_table(
        "ats_state",
        sa.Column("key", sa.String(length=64), nullable=False),
        sa.Column("value", sa.String(length=255), nullable=False),
        sa.Column("updated_at", UTC, nullable=False),
        sa.PrimaryKeyConstraint("key", name=op.f("pk_ats_state")),
    )


def downgrade() -> None:
    op.drop_table("ats_state")
    op.drop_table("ats_resumes")
    op.drop_index("ix_ats_tasks_status_due", table_name="ats_tasks")
    op.drop_table("ats_tasks")
    op.drop_index("ix_ats_links_panel", table_name="ats_links")
    op.drop_table("ats_links")
