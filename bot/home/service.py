"""Loading one person's App Home from the database in a fixed number of queries.

Two statements whatever the number of panels, read as plain rows (building ~200 ``Panel`` and
~700 ``Panelist`` ORM objects was most of a busy home's cost): the person's active panels with
candidate, role, latest decision and latest candidate update; then their seats, each with its
own feedback time. The rows become :class:`PanelFacts` (shaped like the ``Panel`` attributes
``bot.home.build`` reads) and :class:`~bot.followup.progress.PanelProgress`. "Active" leaves out what
can no longer need anyone: cancelled panels and closed loops (a final decision followed by a
candidate update), so a long history does not slow the home down.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import (
    BindParameter,
    ColumnElement,
    Select,
    String,
    and_,
    bindparam,
    exists,
    func,
    select,
    union,
)
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import aliased

from bot.changes.readcache import ReadCache, cached
from bot.clock import Clock
from bot.config import Settings
from bot.db import Database
from bot.followup.progress import FINAL_OUTCOMES, DecisionState, PanelProgress, SeatProgress
from bot.home.agenda import FIRST_PAGES, Agenda, HomePages
from bot.home.build import build_agenda
from bot.models import (
    Candidate,
    CandidateUpdate,
    Decision,
    Feedback,
    Panel,
    Panelist,
    PanelStatus,
    Role,
)


def _active_condition() -> ColumnElement[bool]:
    """Panels ``user_id`` (a bind parameter) sits on or runs, not cancelled and not closed."""
    user_id: BindParameter[str] = bindparam("user_id", type_=String())
    mine = union(
        select(Panel.id).where(Panel.coordinator_id == user_id),
        select(Panel.id).where(Panel.hiring_manager_id == user_id),
        select(Panel.id).where(Panel.recruiter_id == user_id),
        select(Panelist.panel_id).where(Panelist.user_id == user_id),
    ).subquery()
    later = aliased(Decision)
    closed = exists().where(
        Decision.panel_id == Panel.id,
        Decision.outcome.in_(sorted(FINAL_OUTCOMES)),
        ~exists().where(and_(later.panel_id == Panel.id, later.id > Decision.id)),
        exists().where(
            CandidateUpdate.panel_id == Panel.id, CandidateUpdate.at >= Decision.decided_at
        ),
    )
    return and_(Panel.id.in_(select(mine.c[0])), Panel.status != PanelStatus.CANCELLED, ~closed)


def _statements() -> tuple[Select[*tuple[Any, ...]], Select[*tuple[Any, ...]]]:
    """The home's two statements, built once: building them (and their cache keys) cost
    more than running them."""
    active = _active_condition()
    later, latest = aliased(Decision), aliased(Decision)  # ``active`` names Decision itself
    latest_decision = select(func.max(later.id)).where(later.panel_id == Panel.id).scalar_subquery()
    last_update = (
        select(func.max(CandidateUpdate.at))
        .where(CandidateUpdate.panel_id == Panel.id)
        .scalar_subquery()
    )
    panels = (
        select(
            Panel.id,
            Panel.round_number,
            Panel.starts_at,
            Panel.duration_minutes,
            Panel.status,
            Panel.coordinator_id,
            Panel.hiring_manager_id,
            Panel.recruiter_id,
            Candidate.name,
            Role.title,
            latest.outcome,
            latest.reason,
            latest.decided_by,
            latest.decided_at,
            last_update.label("last_update_at"),
        )
        .join(Candidate, Panel.candidate_id == Candidate.id)
        .join(Role, Panel.role_id == Role.id)
        .outerjoin(latest, latest.id == latest_decision)
        .where(active)
        .order_by(Panel.starts_at, Panel.id)
    )
    seat = aliased(Panelist)  # the condition names Panelist in a subquery of its own
    seats = (
        select(
            seat.panel_id,
            seat.user_id,
            seat.confirmed_at,
            seat.declined_at,
            seat.excused_at,
            seat.planned_questions,
            Feedback.submitted_at,
        )
        .outerjoin(
            Feedback,
            and_(Feedback.panel_id == seat.panel_id, Feedback.author_id == seat.user_id),
        )
        .where(seat.panel_id.in_(select(Panel.id).where(active)))
        .order_by(seat.panel_id, seat.position)
    )
    return panels, seats


_PANELS, _SEATS = _statements()


@dataclass(frozen=True, slots=True)
class SeatFacts:
    """A seat, with the ``Panelist`` attributes App Home reads."""

    user_id: str
    confirmed_at: datetime | None
    declined_at: datetime | None
    excused_at: datetime | None
    planned_questions: list[str]


@dataclass(frozen=True, slots=True)
class Named:
    """A candidate (``name``) or role (``title``), as ``panel.candidate.name`` reads."""

    name: str = ""
    title: str = ""


@dataclass(frozen=True, slots=True)
class PanelFacts:
    """A panel as App Home reads it: the ``Panel`` attributes ``bot.home.build`` uses."""

    id: int
    round_number: int
    starts_at: datetime
    duration_minutes: int
    status: str
    coordinator_id: str
    hiring_manager_id: str
    recruiter_id: str
    candidate: Named
    role: Named
    panelists: tuple[SeatFacts, ...]

    @property
    def reference(self) -> str:
        return f"P-{self.id}"

    @property
    def is_cancelled(self) -> bool:
        return self.status == PanelStatus.CANCELLED

    @property
    def ends_at(self) -> datetime:
        return self.starts_at + timedelta(minutes=self.duration_minutes)


async def active_panels(
    session: AsyncSession, user_id: str
) -> tuple[list[PanelFacts], dict[int, PanelProgress]]:
    """The person's active panels (soonest first) and each one's progress."""
    params = {"user_id": user_id}
    rows = (await session.execute(_PANELS, params)).all()
    if not rows:
        return [], {}
    seats: dict[int, list[tuple[SeatFacts, datetime | None]]] = {}
    for s in await session.execute(_SEATS, params):
        facts = SeatFacts(
            s.user_id, s.confirmed_at, s.declined_at, s.excused_at, s.planned_questions or []
        )
        seats.setdefault(s.panel_id, []).append((facts, s.submitted_at))
    panels: list[PanelFacts] = []
    progress: dict[int, PanelProgress] = {}
    for row in rows:
        mine = seats.get(row.id, [])
        panel = PanelFacts(
            id=row.id,
            round_number=row.round_number,
            starts_at=row.starts_at,
            duration_minutes=row.duration_minutes,
            status=row.status,
            coordinator_id=row.coordinator_id,
            hiring_manager_id=row.hiring_manager_id,
            recruiter_id=row.recruiter_id,
            candidate=Named(name=row.name),
            role=Named(title=row.title),
            panelists=tuple(seat for seat, _ in mine),
        )
        panels.append(panel)
        progress[row.id] = PanelProgress(
            panel_id=row.id,
            reference=panel.reference,
            candidate_name=row.name,
            role_title=row.title,
            cancelled=panel.is_cancelled,
            ends_at=panel.ends_at,
            coordinator_id=row.coordinator_id,
            hiring_manager_id=row.hiring_manager_id,
            recruiter_id=row.recruiter_id,
            seats=tuple(
                SeatProgress(
                    user_id=seat.user_id,
                    declined=seat.declined_at is not None,
                    excused=seat.excused_at is not None,
                    feedback_at=feedback_at,
                )
                for seat, feedback_at in mine
            ),
            decision=(
                DecisionState(row.outcome, row.reason, row.decided_by, row.decided_at)
                if row.outcome is not None
                else None
            ),
            last_update_at=row.last_update_at,
        )
    return panels, progress


class HomeService:
    """Builds :class:`Agenda`\\ s; callers render and publish them."""

    def __init__(
        self, db: Database, clock: Clock, settings: Settings, cache: ReadCache | None = None
    ) -> None:
        self.db = db
        self.clock = clock
        self.settings = settings
        self.cache = cache

    async def agenda(self, user_id: str, tz: str, pages: HomePages = FIRST_PAGES) -> Agenda:
        """``user_id``'s agenda, cached until the next change or minute
        (``bot.changes.readcache``)."""
        return await cached(
            self.cache, ("home", user_id, tz, pages), lambda: self._agenda(user_id, tz, pages)
        )

    async def _agenda(self, user_id: str, tz: str, pages: HomePages) -> Agenda:
        now = self.clock.now()
        async with self.db.session() as session:
            panels, progress = await active_panels(session, user_id)
        return build_agenda(
            user_id,
            panels,  # type: ignore[arg-type]  # PanelFacts: the Panel attributes it reads
            progress,
            now,
            self.settings,
            tz,
            pages,
        )
