"""What App Home knows of each panel, loaded once per panel revision and shared by every home.

A home lists up to a few hundred panels, and loading them (panel, candidate, role, decision,
seats, feedback) was most of what a home cost. But a change touches one panel, and every change
goes through the pipeline, which bumps that panel's ``revision`` in its transaction. So a home
asks the database only which panels are the person's and at what revision (one small query,
the active condition), and loads the facts of those it has not seen at that revision: after a
change, one panel instead of two hundred. Replicas stay right because the revision is read from
the database each time, whichever replica made the change.

The facts are read as plain rows (building ~200 ``Panel`` and ~700 ``Panelist`` ORM objects
cost more than the queries) into :class:`PanelFacts` (shaped like the ``Panel`` attributes
``bot.home.build`` reads) and :class:`~bot.followup.progress.PanelProgress`. "Active" leaves
out what can no longer need anyone: cancelled panels and closed loops (a final decision
followed by a candidate update), so a long history does not slow a home down.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Sequence
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
from sqlalchemy.ext.asyncio import AsyncConnection
from sqlalchemy.orm import aliased

from bot.followup.loading import progress_of
from bot.followup.progress import FINAL_OUTCOMES, DecisionState, PanelProgress
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

#: Panels whose facts one process keeps (least recently used first out): ~2 KB each.
FACTS_KEPT = 10_000
#: Panels loaded per statement (an IN list this long stays far below SQLite's bound).
LOAD_CHUNK = 500


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


@dataclass(frozen=True, slots=True)
class Loaded:
    """One panel's facts and progress, as of ``revision``."""

    revision: int
    facts: PanelFacts
    progress: PanelProgress


class FactsCache:
    """Loaded panels by id, each good for as long as its revision is the database's."""

    def __init__(self, size: int = FACTS_KEPT) -> None:
        self.size = size
        self._kept: OrderedDict[int, Loaded] = OrderedDict()
        self.hits = 0
        self.loads = 0

    def get(self, panel_id: int, revision: int) -> Loaded | None:
        found = self._kept.get(panel_id)
        if found is None or found.revision != revision:
            return None
        self._kept.move_to_end(panel_id)
        self.hits += 1
        return found

    def keep(self, loaded: Loaded) -> None:
        self.loads += 1
        if self.size <= 0:
            return
        self._kept[loaded.facts.id] = loaded
        self._kept.move_to_end(loaded.facts.id)
        while len(self._kept) > self.size:
            self._kept.popitem(last=False)


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


def _statements() -> tuple[
    Select[*tuple[Any, ...]], Select[*tuple[Any, ...]], Select[*tuple[Any, ...]]
]:
    """The three statements, built once: building them (and their cache keys) cost more than
    running them."""
    active = select(Panel.id, Panel.revision).where(_active_condition())
    ids: BindParameter[list[int]] = bindparam("ids", expanding=True)
    later, latest = aliased(Decision), aliased(Decision)
    latest_decision = select(func.max(later.id)).where(later.panel_id == Panel.id).scalar_subquery()
    last_update = (
        select(func.max(CandidateUpdate.at))
        .where(CandidateUpdate.panel_id == Panel.id)
        .scalar_subquery()
    )
    panels = (
        select(
            Panel.id,
            Panel.revision,
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
        .where(Panel.id.in_(ids))
    )
    seats = (
        select(
            Panelist.panel_id,
            Panelist.user_id,
            Panelist.confirmed_at,
            Panelist.declined_at,
            Panelist.excused_at,
            Panelist.planned_questions,
            Feedback.submitted_at,
        )
        .outerjoin(
            Feedback,
            and_(Feedback.panel_id == Panelist.panel_id, Feedback.author_id == Panelist.user_id),
        )
        .where(Panelist.panel_id.in_(ids))
        .order_by(Panelist.panel_id, Panelist.position)
    )
    return active, panels, seats


_ACTIVE, _PANELS, _SEATS = _statements()


async def active_panels(
    connection: AsyncConnection, user_id: str, cache: FactsCache | None = None
) -> tuple[list[PanelFacts], dict[int, PanelProgress]]:
    """The person's active panels (soonest first) and each one's progress; with a ``cache``,
    only panels it does not hold at their current revision are loaded."""
    revisions: dict[int, int] = dict(
        (row[0], row[1]) for row in await connection.execute(_ACTIVE, {"user_id": user_id})
    )
    found: list[Loaded] = []
    missing: list[int] = []
    for panel_id, revision in revisions.items():
        kept = cache.get(panel_id, revision) if cache is not None else None
        if kept is None:
            missing.append(panel_id)
        else:
            found.append(kept)
    for start in range(0, len(missing), LOAD_CHUNK):
        for loaded in await _load(connection, missing[start : start + LOAD_CHUNK]):
            if cache is not None:
                cache.keep(loaded)
            found.append(loaded)
    found.sort(key=lambda loaded: (loaded.facts.starts_at, loaded.facts.id))
    return [f.facts for f in found], {f.facts.id: f.progress for f in found}


async def _load(connection: AsyncConnection, panel_ids: Sequence[int]) -> list[Loaded]:
    """The facts of ``panel_ids``, each with the revision it was read at."""
    params = {"ids": list(panel_ids)}
    rows = (await connection.execute(_PANELS, params)).all()
    seats: dict[int, list[tuple[SeatFacts, datetime | None]]] = {}
    for s in await connection.execute(_SEATS, params):
        facts = SeatFacts(
            s.user_id, s.confirmed_at, s.declined_at, s.excused_at, s.planned_questions or []
        )
        seats.setdefault(s.panel_id, []).append((facts, s.submitted_at))
    return [_loaded(row, seats.get(row.id, [])) for row in rows]


def _loaded(row: Any, mine: list[tuple[SeatFacts, datetime | None]]) -> Loaded:
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
    decision = (
        DecisionState(row.outcome, row.reason, row.decided_by, row.decided_at)
        if row.outcome is not None
        else None
    )
    feedback_at = {seat.user_id: at for seat, at in mine if at is not None}
    progress = progress_of(
        panel,  # type: ignore[arg-type]  # PanelFacts: the Panel attributes it reads
        feedback_at,
        decision,
        row.last_update_at,
    )
    return Loaded(row.revision, panel, progress)
