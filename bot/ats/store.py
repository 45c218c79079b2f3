"""What HireBot keeps of an ATS: which interview made which panel (with the ATS's update time,
so a duplicate or an out-of-order delivery changes nothing twice), the work still to do against
the ATS or with its files (a durable queue, retried like the outbox), the résumés shared in
DMs (to delete them again), and the sync's cursor. Only ids HireBot uses are stored: no
payloads, no résumé bytes."""

from __future__ import annotations

import enum
from datetime import datetime
from typing import Any

from sqlalchemy import JSON, ForeignKey, Index, Integer, String, Text, UniqueConstraint, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import Mapped, mapped_column

from bot.models import Base, UTCDateTime


class LinkStatus(enum.StrEnum):
    PANEL = "panel"  # a panel was made from it
    CANCELLED = "cancelled"  # cancelled in the ATS (before or after it became a panel)
    UNMATCHED = "unmatched"  # nobody on it could be found in chat: no panel


class AtsLink(Base):
    __tablename__ = "ats_links"

    id: Mapped[int] = mapped_column(primary_key=True)
    source: Mapped[str] = mapped_column(String(16))
    external_id: Mapped[str] = mapped_column(String(100))
    panel_id: Mapped[int | None] = mapped_column(ForeignKey("panels.id", ondelete="SET NULL"))
    candidate_external_id: Mapped[str] = mapped_column(String(100), default="")
    ats_updated_at: Mapped[datetime] = mapped_column(UTCDateTime())
    status: Mapped[str] = mapped_column(String(16), default=LinkStatus.PANEL)
    #: The connector's own ids (application, feedback form, résumé handle, users by email).
    refs: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    #: Chat users matched by email: {email: user id}; and who could not be matched.
    people: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    unmatched: Mapped[list[str]] = mapped_column(JSON, default=list)
    candidate_url: Mapped[str] = mapped_column(String(500), default="")
    scorecard_url: Mapped[str] = mapped_column(String(500), default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime())

    __table_args__ = (
        UniqueConstraint("source", "external_id"),
        Index("ix_ats_links_panel", "panel_id"),
    )


class TaskStatus(enum.StrEnum):
    PENDING = "pending"
    DONE = "done"
    FAILED = "failed"
    SKIPPED = "skipped"


class TaskKind(enum.StrEnum):
    IMPORT = "import"  # fetch an interview from the ATS and apply it to its panel
    RESUME = "resume"  # share the résumé in a panelist's DM
    RESUME_REMOVE = "resume_remove"  # delete it from the DM of someone no longer on the panel
    FEEDBACK = "feedback"  # write a panelist's feedback back into the ATS
    NOTE = "note"  # tell the coordinator something about an import (people not found)


class AtsTask(Base):
    __tablename__ = "ats_tasks"

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(32))
    dedupe_key: Mapped[str] = mapped_column(String(255), unique=True)
    panel_id: Mapped[int | None] = mapped_column(Integer)
    payload: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    status: Mapped[str] = mapped_column(String(16), default=TaskStatus.PENDING)
    due_at: Mapped[datetime] = mapped_column(UTCDateTime())
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    lease_until: Mapped[datetime | None] = mapped_column(UTCDateTime())
    last_error: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime())

    __table_args__ = (Index("ix_ats_tasks_status_due", "status", "due_at"),)


class AtsResume(Base):
    """A résumé shared in a panelist's DM: where, so it can be deleted again."""

    __tablename__ = "ats_resumes"

    id: Mapped[int] = mapped_column(primary_key=True)
    panel_id: Mapped[int] = mapped_column(ForeignKey("panels.id", ondelete="CASCADE"))
    user_id: Mapped[str] = mapped_column(String(64))  # a Slack ID or an Azure AD object id
    channel: Mapped[str] = mapped_column(String(64))
    file_id: Mapped[str] = mapped_column(String(64))
    delivered_at: Mapped[datetime] = mapped_column(UTCDateTime())
    deleted_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    __table_args__ = (UniqueConstraint("panel_id", "user_id"),)


class AtsState(Base):
    """Small values the sync keeps between runs (the update time it has seen up to)."""

    __tablename__ = "ats_state"

    key: Mapped[str] = mapped_column(String(64), primary_key=True)
    value: Mapped[str] = mapped_column(String(255))
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime())


async def scorecard_elsewhere(session: AsyncSession, panel_id: int) -> tuple[str, str] | None:
    """(ATS name, scorecard URL) when this panel came from an ATS that keeps scorecards
    itself (no API to write them): its feedback ask links there."""
    row = (
        await session.execute(
            select(AtsLink.source, AtsLink.scorecard_url, AtsLink.refs).where(
                AtsLink.panel_id == panel_id
            )
        )
    ).first()
    if row is None or not row.scorecard_url or not (row.refs or {}).get("scorecards_in_ats"):
        return None
    return SOURCE_LABELS.get(row.source, row.source), row.scorecard_url


SOURCE_LABELS = {"ashby": "Ashby", "greenhouse": "Greenhouse"}
