"""initial schema: candidates, roles, rounds, panels, panelists, drafts, audit

Revision ID: 0001
Revises: (none)
Create Date: 2026-11-25 16:52:46.650964
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0001"
down_revision: str | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "candidates",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_candidates")),
    )
    op.create_table(
        "panel_drafts",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("user_id", sa.String(length=32), nullable=False),
        sa.Column("data", sa.JSON(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_panel_drafts")),
    )
    op.create_table(
        "roles",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("responsibilities", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_roles")),
    )
    op.create_table(
        "panels",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("candidate_id", sa.Integer(), nullable=False),
        sa.Column("role_id", sa.Integer(), nullable=False),
        sa.Column("round_number", sa.Integer(), nullable=False),
        sa.Column("starts_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("duration_minutes", sa.Integer(), nullable=False),
        sa.Column("timezone", sa.String(length=64), nullable=False),
        sa.Column("format", sa.String(length=32), nullable=False),
        sa.Column("location", sa.String(length=500), nullable=False),
        sa.Column("resume_url", sa.String(length=2000), nullable=True),
        sa.Column("coordinator_id", sa.String(length=32), nullable=False),
        sa.Column("hiring_manager_id", sa.String(length=32), nullable=False),
        sa.Column("recruiter_id", sa.String(length=32), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["candidate_id"], ["candidates.id"], name=op.f("fk_panels_candidate_id_candidates")
        ),
        sa.ForeignKeyConstraint(["role_id"], ["roles.id"], name=op.f("fk_panels_role_id_roles")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_panels")),
    )
    with op.batch_alter_table("panels", schema=None) as batch_op:
        batch_op.create_index(
            "ix_panels_coordinator", ["coordinator_id", "starts_at"], unique=False
        )
        batch_op.create_index(
            "ix_panels_hiring_manager", ["hiring_manager_id", "starts_at"], unique=False
        )
        batch_op.create_index("ix_panels_recruiter", ["recruiter_id", "starts_at"], unique=False)
        batch_op.create_index("ix_panels_starts_at", ["starts_at"], unique=False)

    op.create_table(
        "prior_rounds",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("candidate_id", sa.Integer(), nullable=False),
        sa.Column("round_number", sa.Integer(), nullable=False),
        sa.Column("notes", sa.Text(), nullable=False),
        sa.Column("questions", sa.JSON(), nullable=False),
        sa.Column("interviewer_ids", sa.JSON(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["candidate_id"],
            ["candidates.id"],
            name=op.f("fk_prior_rounds_candidate_id_candidates"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_prior_rounds")),
    )
    with op.batch_alter_table("prior_rounds", schema=None) as batch_op:
        batch_op.create_index(
            "ix_prior_rounds_candidate", ["candidate_id", "round_number"], unique=False
        )

    op.create_table(
        "audit_events",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("panel_id", sa.Integer(), nullable=True),
        sa.Column("actor_id", sa.String(length=32), nullable=False),
        sa.Column("action", sa.String(length=64), nullable=False),
        sa.Column("detail", sa.JSON(), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["panel_id"],
            ["panels.id"],
            name=op.f("fk_audit_events_panel_id_panels"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_audit_events")),
    )
    with op.batch_alter_table("audit_events", schema=None) as batch_op:
        batch_op.create_index("ix_audit_events_panel", ["panel_id", "at"], unique=False)

    op.create_table(
        "panelists",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("panel_id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.String(length=32), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("focus_area", sa.String(length=32), nullable=False),
        sa.Column("focus_detail", sa.String(length=200), nullable=False),
        sa.Column("perspective", sa.String(length=32), nullable=False),
        sa.ForeignKeyConstraint(
            ["panel_id"],
            ["panels.id"],
            name=op.f("fk_panelists_panel_id_panels"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_panelists")),
        sa.UniqueConstraint("panel_id", "user_id", name=op.f("uq_panelists_panel_id")),
    )
    with op.batch_alter_table("panelists", schema=None) as batch_op:
        batch_op.create_index("ix_panelists_user", ["user_id", "panel_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("panelists", schema=None) as batch_op:
        batch_op.drop_index("ix_panelists_user")

    op.drop_table("panelists")
    with op.batch_alter_table("audit_events", schema=None) as batch_op:
        batch_op.drop_index("ix_audit_events_panel")

    op.drop_table("audit_events")
    with op.batch_alter_table("prior_rounds", schema=None) as batch_op:
        batch_op.drop_index("ix_prior_rounds_candidate")

    op.drop_table("prior_rounds")
    with op.batch_alter_table("panels", schema=None) as batch_op:
        batch_op.drop_index("ix_panels_starts_at")
        batch_op.drop_index("ix_panels_recruiter")
        batch_op.drop_index("ix_panels_hiring_manager")
        batch_op.drop_index("ix_panels_coordinator")

    op.drop_table("panels")
    op.drop_table("roles")
    op.drop_table("panel_drafts")
    op.drop_table("candidates")
