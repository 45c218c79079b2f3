"""Panels in the database: schedule, find, list, move and cancel them, with an audit trail.

The service enforces who may do what (``bot.panels.access``) so that no caller can forget to:
a panel someone may not see is reported exactly like one that does not exist.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import delete, func, select, union
from sqlalchemy.ext.asyncio import AsyncSession

from bot.clock import Clock
from bot.db import Database
from bot.models import (
    AuditEvent,
    Candidate,
    Panel,
    PanelDraft,
    Panelist,
    PanelStatus,
    PriorRound,
    Role,
)
from bot.panels import access
from bot.panels.request import Assignment, PanelBasics, Slot

DRAFT_LIFETIME = timedelta(days=1)
RECENT = timedelta(days=14)


class PanelNotFound(LookupError):
    """No such panel, or not one this person may see (deliberately indistinguishable)."""

    def __init__(self, panel_id: int) -> None:
        super().__init__(f"P-{panel_id}")
        self.panel_id = panel_id


class NotAllowed(PermissionError):
    """The person may see the panel but not do this to it."""


class PanelClosed(ValueError):
    """The panel is cancelled, so it cannot be changed any more."""


@dataclass(frozen=True)
class PanelListing:
    upcoming: list[Panel]
    recent: list[Panel]
    more_upcoming: int  # how many upcoming panels did not fit


class PanelService:
    def __init__(self, db: Database, clock: Clock) -> None:
        self.db = db
        self.clock = clock

    # ------------------------------------------------------------------ drafts
    async def save_draft(self, user_id: str, basics: PanelBasics) -> str:
        """Hold the first step of the form; returns the key the second step carries."""
        now = self.clock.now()
        draft_id = str(uuid.uuid4())
        async with self.db.session() as session:
            await session.execute(
                delete(PanelDraft).where(PanelDraft.created_at < now - DRAFT_LIFETIME)
            )
            session.add(
                PanelDraft(id=draft_id, user_id=user_id, data=basics.to_json(), created_at=now)
            )
        return draft_id

    async def load_draft(self, user_id: str, draft_id: str) -> PanelBasics | None:
        async with self.db.session() as session:
            draft = await session.get(PanelDraft, draft_id)
            if draft is None or draft.user_id != user_id:
                return None
            return PanelBasics.from_json(draft.data)

    # ------------------------------------------------------------------ scheduling
    async def schedule(
        self,
        coordinator_id: str,
        basics: PanelBasics,
        assignments: tuple[Assignment, ...],
        *,
        draft_id: str | None = None,
    ) -> Panel:
        now = self.clock.now()
        async with self.db.session() as session:
            candidate = Candidate(name=basics.candidate_name, created_at=now)
            role = await self._role(session, basics.role_title, basics.responsibilities, now)
            session.add(candidate)
            await session.flush()
            if basics.prior_notes or basics.prior_questions or basics.prior_interviewer_ids:
                session.add(
                    PriorRound(
                        candidate_id=candidate.id,
                        round_number=max(1, basics.round_number - 1),
                        notes=basics.prior_notes,
                        questions=list(basics.prior_questions),
                        interviewer_ids=list(basics.prior_interviewer_ids),
                        created_at=now,
                    )
                )
            panel = Panel(
                candidate=candidate,
                role=role,
                round_number=basics.round_number,
                starts_at=basics.slot.starts_at,
                duration_minutes=basics.slot.duration_minutes,
                timezone=basics.slot.timezone,
                format=basics.format,
                location=basics.location,
                resume_url=basics.resume_url,
                coordinator_id=coordinator_id,
                hiring_manager_id=basics.hiring_manager_id,
                recruiter_id=basics.recruiter_id,
                status=PanelStatus.SCHEDULED,
                created_at=now,
                updated_at=now,
                panelists=[
                    Panelist(
                        user_id=a.user_id,
                        position=i,
                        focus_area=a.focus_area,
                        focus_detail=a.focus_detail,
                        perspective=a.perspective,
                    )
                    for i, a in enumerate(assignments)
                ],
            )
            session.add(panel)
            await session.flush()
            self._audit(
                session,
                panel.id,
                coordinator_id,
                "scheduled",
                {
                    "starts_at": panel.starts_at.isoformat(),
                    "panelists": [a.user_id for a in assignments],
                },
            )
            if draft_id:
                await session.execute(delete(PanelDraft).where(PanelDraft.id == draft_id))
        return await self.get(panel.id)

    async def _role(
        self, session: AsyncSession, title: str, responsibilities: str, now: datetime
    ) -> Role:
        existing = await session.scalar(
            select(Role)
            .where(
                func.lower(Role.title) == title.lower(), Role.responsibilities == responsibilities
            )
            .limit(1)
        )
        if existing is not None:
            return existing
        role = Role(title=title, responsibilities=responsibilities, created_at=now)
        session.add(role)
        return role

    # ------------------------------------------------------------------ reading
    async def get(self, panel_id: int) -> Panel:
        """A panel regardless of who asks: for the system's own flows only."""
        async with self.db.session() as session:
            panel = await session.get(Panel, panel_id)
            if panel is None:
                raise PanelNotFound(panel_id)
            return panel

    async def visible(self, user_id: str, panel_id: int) -> Panel:
        panel = await self._maybe(panel_id)
        if panel is None or not access.can_view(panel, user_id):
            raise PanelNotFound(panel_id)
        return panel

    async def manageable(self, user_id: str, panel_id: int) -> Panel:
        panel = await self.visible(user_id, panel_id)
        if not access.can_manage(panel, user_id):
            raise NotAllowed(
                "Only the panel's coordinator, hiring manager or recruiter can change it."
            )
        return panel

    async def _maybe(self, panel_id: int) -> Panel | None:
        async with self.db.session() as session:
            return await session.get(Panel, panel_id)

    async def prior_rounds(self, candidate_id: int) -> list[PriorRound]:
        async with self.db.session() as session:
            rows = await session.scalars(
                select(PriorRound)
                .where(PriorRound.candidate_id == candidate_id)
                .order_by(PriorRound.round_number)
            )
            return list(rows)

    async def listing(self, user_id: str, *, limit: int = 15) -> PanelListing:
        """Upcoming panels (soonest first) and the last two weeks' (latest first) for a person."""
        now = self.clock.now()
        mine = union(
            select(Panel.id).where(Panel.coordinator_id == user_id),
            select(Panel.id).where(Panel.hiring_manager_id == user_id),
            select(Panel.id).where(Panel.recruiter_id == user_id),
            select(Panelist.panel_id).where(Panelist.user_id == user_id),
        ).subquery()
        involved = Panel.id.in_(select(mine.c[0]))
        async with self.db.session() as session:
            upcoming = list(
                await session.scalars(
                    select(Panel)
                    .where(involved, Panel.starts_at >= now)
                    .order_by(Panel.starts_at)
                    .limit(limit)
                )
            )
            total_upcoming = await session.scalar(
                select(func.count()).select_from(Panel).where(involved, Panel.starts_at >= now)
            )
            recent = list(
                await session.scalars(
                    select(Panel)
                    .where(involved, Panel.starts_at < now, Panel.starts_at >= now - RECENT)
                    .order_by(Panel.starts_at.desc())
                    .limit(limit)
                )
            )
        return PanelListing(upcoming, recent, max(0, (total_upcoming or 0) - len(upcoming)))

    # ------------------------------------------------------------------ changes
    async def reschedule(self, actor_id: str, panel_id: int, slot: Slot) -> tuple[Panel, Slot]:
        """Move a panel; returns it with the slot it had before."""
        async with self.db.session() as session:
            panel = await self._locked_for_change(session, actor_id, panel_id)
            before = Slot(panel.starts_at, panel.duration_minutes, panel.timezone)
            panel.starts_at = slot.starts_at
            panel.duration_minutes = slot.duration_minutes
            panel.timezone = slot.timezone
            panel.updated_at = self.clock.now()
            self._audit(
                session,
                panel.id,
                actor_id,
                "rescheduled",
                {
                    "from": before.starts_at.isoformat(),
                    "to": slot.starts_at.isoformat(),
                    "duration_minutes": slot.duration_minutes,
                    "timezone": slot.timezone,
                },
            )
        return await self.get(panel_id), before

    async def cancel(self, actor_id: str, panel_id: int, reason: str = "") -> Panel:
        async with self.db.session() as session:
            panel = await self._locked_for_change(session, actor_id, panel_id)
            panel.status = PanelStatus.CANCELLED
            panel.updated_at = self.clock.now()
            self._audit(session, panel.id, actor_id, "cancelled", {"reason": reason})
        return await self.get(panel_id)

    async def _locked_for_change(
        self, session: AsyncSession, actor_id: str, panel_id: int
    ) -> Panel:
        panel = await session.get(Panel, panel_id, with_for_update=True)
        if panel is None or not access.can_view(panel, actor_id):
            raise PanelNotFound(panel_id)
        if not access.can_manage(panel, actor_id):
            raise NotAllowed(
                "Only the panel's coordinator, hiring manager or recruiter can change it."
            )
        if panel.is_cancelled:
            raise PanelClosed(f"{panel.reference} is already cancelled.")
        return panel

    def _audit(
        self,
        session: AsyncSession,
        panel_id: int | None,
        actor_id: str,
        action: str,
        detail: dict[str, Any],
    ) -> None:
        session.add(
            AuditEvent(
                panel_id=panel_id,
                actor_id=actor_id,
                action=action,
                detail=detail,
                at=self.clock.now(),
            )
        )
