"""workspaces: every panel belongs to a Slack workspace or a Teams tenant; Teams conversation
references; files shared by link; people's ids wide enough for Azure AD object ids

Existing rows take the installed Slack workspace (its team id is filled in when known).

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-28 11:00:00
"""

from collections.abc import Sequence
from datetime import UTC, datetime

import sqlalchemy as sa
from alembic import op

revision: str = "0006"
down_revision: str | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

#: (table, column): people and delivery ids, 32 characters until now. An Azure AD object id is
#: 36, and a Teams delivery is named by one.
WIDENED = {
    "panels": ("coordinator_id", "hiring_manager_id", "recruiter_id"),
    "panelists": ("user_id", "packet_channel", "packet_ts"),
    "feedback": ("author_id",),
    "decisions": ("decided_by",),
    "candidate_updates": ("author_id",),
    "panel_drafts": ("user_id",),
    "audit_events": ("actor_id",),
    "nudges": ("subject_id", "recipient_id", "channel", "message_ts"),
    "ats_resumes": ("user_id", "channel"),
}


def upgrade() -> None:
    workspaces = op.create_table(
        "workspaces",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("platform", sa.String(length=16), nullable=False),
        sa.Column("external_id", sa.String(length=64), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_workspaces")),
        sa.UniqueConstraint("platform", "external_id", name=op.f("uq_workspaces_platform")),
    )
    # The Slack workspace HireBot was installed in: every existing row is its.
    now = datetime.now(UTC)
    op.bulk_insert(
        workspaces,
        [{"id": 1, "platform": "slack", "external_id": "", "name": "", "created_at": now}],
    )
    if op.get_bind().dialect.name == "postgresql":
        op.execute("SELECT setval(pg_get_serial_sequence('workspaces', 'id'), 1)")
    op.create_table(
        "teams_conversations",
        sa.Column("tenant_id", sa.String(length=64), nullable=False),
        sa.Column("aad_object_id", sa.String(length=64), nullable=False),
        sa.Column("workspace_id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.String(length=255), nullable=False),
        sa.Column("service_url", sa.String(length=500), nullable=False),
        sa.Column("bot_id", sa.String(length=255), nullable=False),
        sa.Column("conversation_id", sa.String(length=500), nullable=True),
        sa.Column("source", sa.String(length=255), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["workspace_id"],
            ["workspaces.id"],
            name=op.f("fk_teams_conversations_workspace_id_workspaces"),
        ),
        sa.PrimaryKeyConstraint("tenant_id", "aad_object_id", name=op.f("pk_teams_conversations")),
    )
    op.create_table(
        "shared_files",
        sa.Column("token", sa.String(length=64), nullable=False),
        sa.Column("recipient_id", sa.String(length=64), nullable=False),
        sa.Column("name", sa.String(length=255), nullable=False),
        sa.Column("content", sa.LargeBinary(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("activity_id", sa.String(length=64), nullable=True),
        sa.PrimaryKeyConstraint("token", name=op.f("pk_shared_files")),
    )
    op.create_index(op.f("ix_shared_files_expires_at"), "shared_files", ["expires_at"])
    with op.batch_alter_table("panels") as batch:
        batch.add_column(sa.Column("workspace_id", sa.Integer(), nullable=True))
        batch.create_foreign_key(
            op.f("fk_panels_workspace_id_workspaces"), "workspaces", ["workspace_id"], ["id"]
        )
        batch.create_index(op.f("ix_panels_workspace_id"), ["workspace_id"])
    op.execute("UPDATE panels SET workspace_id = 1")
    for table, columns in WIDENED.items():
        with op.batch_alter_table(table) as batch:
            for column in columns:
                batch.alter_column(
                    column, type_=sa.String(length=64), existing_type=sa.String(length=32)
                )


def downgrade() -> None:
    for table, columns in WIDENED.items():
        with op.batch_alter_table(table) as batch:
            for column in columns:
                batch.alter_column(
                    column, type_=sa.String(length=32), existing_type=sa.String(length=64)
                )
    with op.batch_alter_table("panels") as batch:
        batch.drop_index(op.f("ix_panels_workspace_id"))
        batch.drop_constraint(op.f("fk_panels_workspace_id_workspaces"), type_="foreignkey")
        batch.drop_column("workspace_id")
    op.drop_index(op.f("ix_shared_files_expires_at"), table_name="shared_files")
    op.drop_table("shared_files")
    op.drop_table("teams_conversations")
    op.drop_table("workspaces")
