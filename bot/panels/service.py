"""Panels in the database: schedule, find, list, move and cancel them, with an audit trail.

The service enforces who may do what (``bot.panels.access``) so that no caller can forget to:
a panel someone may not see is reported exactly like one that does not exist.
"""

from __future__ import annotations

import uuid
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from functools import lru_cache
from typing import Any

from sqlalchemy import BindParameter, Select, String, bindparam, delete, func, select, union
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import joinedload

from bot.changes.actions import Action
from bot.changes.pipeline import AlreadyApplied, Change, ChangePipeline
from bot.changes.readcache import ReadCache, cached
from bot.clock import Clock, as_utc
from bot.db import Database
from bot.models import (
    Candidate,
    Panel,
    PanelDraft,
    Panelist,
    PanelStatus,
    PriorRound,
    Role,
    Submission,
)
from bot.panels import access
from bot.panels.candidates import EarlierCandidate, earlier_candidate
from bot.panels.request import Assignment, PanelBasics, Slot

DRAFT_LIFETIME = timedelta(days=1)
RECENT = timedelta(days=14)
_WITH_PANELISTS = (joinedload(Panel.panelists),)  # built once: options cost to build
_PRIOR_ROUNDS = (
    select(PriorRound)
    .where(PriorRound.candidate_id == bindparam("candidate_id"))
    .order_by(PriorRound.round_number)
)


class PanelNotFound(LookupError):
    """No such panel, or not one this person may see (deliberately indistinguishable)."""

    def __init__(self, panel_id: int) -> None:
        super().__init__(f"P-{panel_id}")
        self.panel_id = panel_id


class NotAllowed(PermissionError):
    """The person may see the panel but not do this to it."""


class NotACoordinator(NotAllowed):
    """Scheduling is limited to ``HIREBOT_COORDINATORS`` and this person is not one of them."""

    def __init__(self) -> None:
        super().__init__(
            "Only coordinators can schedule panels here."
            " Ask an admin to add you to HIREBOT_COORDINATORS."
        )


class PanelClosed(ValueError):
    """The panel is cancelled, so it cannot be changed any more."""


class SlotUnchanged(ValueError):
    """A "new" time that is the panel's own (same instant, same length): nobody would be told
    anything new, so it is refused (also what a second press of the same form finds)."""

    def __init__(self) -> None:
        super().__init__("That's when the panel already is: pick a new time.")


@dataclass(frozen=True)
class PanelLine:
    """One panel as a listing shows it."""

    id: int
    starts_at: datetime
    candidate_name: str
    role_title: str
    round_number: int
    cancelled: bool

    @property
    def reference(self) -> str:
        return f"P-{self.id}"


@dataclass(frozen=True)
class PanelListing:
    upcoming: list[PanelLine]
    recent: list[PanelLine]
    more_upcoming: int  # how many upcoming panels did not fit


class PanelService:
    def __init__(
        self,
        db: Database,
        clock: Clock,
        pipeline: ChangePipeline,
        *,
        coordinators: Callable[[str], bool] = lambda _user_id: True,
        cache: ReadCache | None = None,
    ) -> None:
        self.db = db
        self.clock = clock
        self.pipeline = pipeline
        self._coordinators = coordinators
        self.cache = cache

    def may_schedule(self, user_id: str) -> bool:
        """Whether ``user_id`` may schedule panels (``HIREBOT_COORDINATORS``; empty: anyone)."""
        return self._coordinators(user_id)

    def require_coordinator(self, user_id: str) -> None:
        if not self.may_schedule(user_id):
            raise NotACoordinator()

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
        """The form's first step, or None once it expired. Raises ``AlreadyApplied`` when it was
        already scheduled (the same second step submitted again)."""
        async with self.db.session() as session:
            draft = await session.get(PanelDraft, draft_id)
            if draft is None or draft.user_id != user_id:
                used = await session.get(Submission, _draft_key(draft_id))
                if used is not None:
                    raise AlreadyApplied(used.panel_id)
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
        candidate_id: int | None = None,
        workspace_id: int | None = None,
        submission: str | None = None,
        via: str = "",
        on_stored: Callable[[AsyncSession, Panel], Awaitable[None]] | None = None,
    ) -> Panel:
        """Store the panel and everything it owes people, once per draft: the same second step
        submitted again (a double click, three posts at once) raises ``AlreadyApplied`` naming
        the panel the first one made. Raises ``NotACoordinator`` for someone who may not
        schedule.

        ``candidate_id``: an earlier round's candidate this panel joins (see
        ``bot.panels.candidates``); its round becomes at least the one after theirs.
        ``workspace_id``: the Slack workspace or Teams tenant the panel's people are in
        (``bot.workspaces``).
        ``submission``: a key taken once instead of the draft's (an ATS interview's update);
        ``via``: where the change came from when not from chat ("Ashby"), for the history. A
        panel the ATS scheduled is not refused for ``HIREBOT_COORDINATORS``: that list says who
        may schedule in chat, and the ATS's own coordinator scheduled this one there.
        ``on_stored``: more to write in the same transaction once the panel has its id, before
        it is recorded (the ATS link its announcers read)."""
        if not via:
            self.require_coordinator(coordinator_id)
        people = [
            coordinator_id,
            basics.hiring_manager_id,
            basics.recruiter_id,
            *(a.user_id for a in assignments),
        ]
        submission = _draft_key(draft_id) if draft_id else submission
        async with self.pipeline.change(
            people=people, submission=submission, action=Action.SCHEDULED
        ) as tx:
            session, now = tx.session, tx.now
            candidate, basics = await self._candidate(session, basics, candidate_id, now)
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
                workspace_id=workspace_id,
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
                        joined_at=now,
                    )
                    for i, a in enumerate(assignments)
                ],
            )
            session.add(panel)
            await session.flush()
            if on_stored is not None:
                await on_stored(session, panel)
            detail = {
                "starts_at": panel.starts_at.isoformat(),
                "panelists": [a.user_id for a in assignments],
                **({"via": via} if via else {}),
            }
            await tx.record(panel, Change(Action.SCHEDULED, coordinator_id, detail))
            if draft_id:  # it held candidate notes: gone once used (the submission stays)
                await session.execute(delete(PanelDraft).where(PanelDraft.id == draft_id))
        return await self.get(panel.id)

    async def earlier_candidate(self, name: str, role_title: str) -> EarlierCandidate | None:
        async with self.db.session() as session:
            return await earlier_candidate(session, name, role_title)

    async def _candidate(
        self,
        session: AsyncSession,
        basics: PanelBasics,
        candidate_id: int | None,
        now: datetime,
    ) -> tuple[Candidate, PanelBasics]:
        """The earlier round's candidate when asked for (and it really is the same name and
        role), with the round moved past theirs; otherwise a new candidate record."""
        if candidate_id is not None:
            earlier = await earlier_candidate(
                session, basics.candidate_name, basics.role_title, candidate_id
            )
            found = await session.get(Candidate, candidate_id) if earlier else None
            if earlier is not None and found is not None:
                round_number = max(basics.round_number, earlier.next_round)
                return found, replace(basics, round_number=round_number)
        return Candidate(name=basics.candidate_name, created_at=now), basics

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
        # Panelists joined in (one statement instead of the collection's second one).
        async with self.db.session() as session:
            return await session.get(Panel, panel_id, options=_WITH_PANELISTS)

    async def prior_rounds(self, candidate_id: int) -> list[PriorRound]:
        async with self.db.session() as session:
            rows = await session.scalars(_PRIOR_ROUNDS, {"candidate_id": candidate_id})
            return list(rows)

    async def listing(self, user_id: str, *, limit: int = 15) -> PanelListing:
        """Upcoming panels (soonest first) and the last two weeks' (latest first) for a person.

        This answers inside Slack's 3-second ack, so it reads only the columns a listing shows
        (no ORM objects, no panelists) and counts the overflow in the same query; the answer is
        cached until the next change or minute (``bot.changes.readcache``).
        """
        return await cached(
            self.cache, ("list", user_id, limit), lambda: self._listing(user_id, limit)
        )

    async def _listing(self, user_id: str, limit: int) -> PanelListing:
        now = self.clock.now()
        upcoming_query, recent_query = _listing_statements(limit)
        params = {"user_id": user_id, "now": now, "since": now - RECENT}
        async with self.db.session() as session:
            upcoming = (await session.execute(upcoming_query, params)).all()
            recent = (await session.execute(recent_query, params)).all()
        total = upcoming[0].total if upcoming else 0
        return PanelListing(
            [_line(row) for row in upcoming],
            [_line(row) for row in recent],
            max(0, total - len(upcoming)),
        )

    # ------------------------------------------------------------------ changes
    async def reschedule(
        self,
        actor_id: str,
        panel_id: int,
        slot: Slot,
        *,
        submission: str | None = None,
        via: str = "",
    ) -> tuple[Panel, Slot]:
        """Move a panel; returns it with the slot it had before.

        Refused once the panel has started: what happened in it (feedback, a decision) stays
        where it happened. A no-show is cancelled and a new panel scheduled.
        """
        async with self.pipeline.change(
            panel_id, people=[actor_id], submission=submission, action=Action.RESCHEDULED
        ) as tx:
            panel = await lock_for_owner(tx.session, actor_id, panel_id)
            if tx.now >= panel.starts_at:
                raise PanelClosed(
                    f"{panel.reference} has already started, so it can't be moved."
                    " If it didn't take place, cancel it and schedule a new panel."
                )
            before = Slot(panel.starts_at, panel.duration_minutes, panel.timezone)
            if (before.starts_at, before.duration_minutes) == (
                slot.starts_at,
                slot.duration_minutes,
            ):
                raise SlotUnchanged()
            panel.starts_at = slot.starts_at
            panel.duration_minutes = slot.duration_minutes
            panel.timezone = slot.timezone
            panel.updated_at = tx.now
            previous = {
                "starts_at": before.starts_at.isoformat(),
                "duration_minutes": before.duration_minutes,
                "timezone": before.timezone,
            }
            detail = {
                "from": before.starts_at.isoformat(),
                "to": slot.starts_at.isoformat(),
                "duration_minutes": slot.duration_minutes,
                "timezone": slot.timezone,
                **({"via": via} if via else {}),
            }
            change = Change(Action.RESCHEDULED, actor_id, detail, {"previous": previous})
            await tx.record(panel, change)
        return await self.get(panel_id), before

    async def cancel(
        self,
        actor_id: str,
        panel_id: int,
        reason: str = "",
        *,
        submission: str | None = None,
        via: str = "",
    ) -> Panel:
        async with self.pipeline.change(
            panel_id, people=[actor_id], submission=submission, action=Action.CANCELLED
        ) as tx:
            panel = await lock_for_owner(tx.session, actor_id, panel_id)
            panel.status = PanelStatus.CANCELLED
            panel.updated_at = tx.now
            detail = {"reason": reason, **({"via": via} if via else {})}
            await tx.record(panel, Change(Action.CANCELLED, actor_id, detail))
        return await self.get(panel_id)


async def lock_for_owner(
    session: AsyncSession, actor_id: str, panel_id: int, *, to: str = "change it"
) -> Panel:
    """The panel, row-locked for this transaction, when ``actor_id`` owns it and it is still
    on: what every owner-only change (reschedule, cancel, replace, excuse...) starts from.

    Raises PanelNotFound for people who may not see it, NotAllowed for panelists, and
    PanelClosed once it is cancelled; ``to`` finishes the NotAllowed sentence.
    """
    panel = await session.get(Panel, panel_id, with_for_update=True)
    if panel is None or not access.can_view(panel, actor_id):
        raise PanelNotFound(panel_id)
    if not access.can_manage(panel, actor_id):
        raise NotAllowed(f"Only the panel's coordinator, hiring manager or recruiter can {to}.")
    if panel.is_cancelled:
        raise PanelClosed(f"{panel.reference} is already cancelled.")
    return panel


@lru_cache(maxsize=8)
def _listing_statements(
    limit: int,
) -> tuple[Select[*tuple[Any, ...]], Select[*tuple[Any, ...]]]:
    """``listing``'s two statements, built once per page size: each call only binds
    ``user_id``, ``now`` and ``since`` (building them and their cache keys cost more than
    running them)."""
    user_id: BindParameter[str] = bindparam("user_id", type_=String())
    mine = union(
        select(Panel.id).where(Panel.coordinator_id == user_id),
        select(Panel.id).where(Panel.hiring_manager_id == user_id),
        select(Panel.id).where(Panel.recruiter_id == user_id),
        select(Panelist.panel_id).where(Panelist.user_id == user_id),
    ).subquery()
    columns = (
        select(
            Panel.id,
            Panel.starts_at,
            Candidate.name,
            Role.title,
            Panel.round_number,
            Panel.status,
            func.count().over().label("total"),
        )
        .join(Candidate, Panel.candidate_id == Candidate.id)
        .join(Role, Panel.role_id == Role.id)
    )
    involved = Panel.id.in_(select(mine.c[0]))
    now = bindparam("now", type_=Panel.starts_at.type)
    since = bindparam("since", type_=Panel.starts_at.type)
    upcoming = (
        columns.where(involved, Panel.starts_at >= now, Panel.status != PanelStatus.CANCELLED)
        .order_by(Panel.starts_at)
        .limit(limit)
    )
    recent = (
        columns.where(involved, Panel.starts_at < now, Panel.starts_at >= since)
        .order_by(Panel.starts_at.desc())
        .limit(limit)
    )
    return upcoming, recent


def _draft_key(draft_id: str) -> str:
    return f"draft:{draft_id}"


def _line(row: Any) -> PanelLine:
    return PanelLine(
        id=row.id,
        starts_at=as_utc(row.starts_at),
        candidate_name=row.name,
        role_title=row.title,
        round_number=row.round_number,
        cancelled=row.status == PanelStatus.CANCELLED,
    )
