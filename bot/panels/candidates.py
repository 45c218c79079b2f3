"""One candidate across rounds: find the earlier record a new panel should join.

When a coordinator schedules a panel for a name and role that already had a panel, the new one
should join the same candidate record, so round 3 sees what round 2 asked
(``bot.panels.rounds.earlier_rounds``). The scheduling form offers it; the coordinator decides.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.clock import as_utc
from bot.models import Candidate, Panel, PanelStatus, Role


@dataclass(frozen=True)
class EarlierCandidate:
    """The latest panel the same name and role had: who, which round, when."""

    candidate_id: int
    name: str
    round_number: int
    starts_at: datetime

    @property
    def next_round(self) -> int:
        return self.round_number + 1


async def earlier_candidate(
    session: AsyncSession, name: str, role_title: str, candidate_id: int | None = None
) -> EarlierCandidate | None:
    """The latest non-cancelled panel for this candidate name and role title (both compared
    case-insensitively), optionally only for ``candidate_id`` (to re-check a form's choice)."""
    query = (
        select(Candidate.id, Candidate.name, Panel.round_number, Panel.starts_at)
        .join(Panel, Panel.candidate_id == Candidate.id)
        .join(Role, Panel.role_id == Role.id)
        .where(
            func.lower(Candidate.name) == name.strip().lower(),
            func.lower(Role.title) == role_title.strip().lower(),
            Panel.status != PanelStatus.CANCELLED,
        )
        .order_by(Panel.round_number.desc(), Panel.starts_at.desc())
        .limit(1)
    )
    if candidate_id is not None:
        query = query.where(Candidate.id == candidate_id)
    row = (await session.execute(query)).first()
    if row is None:
        return None
    return EarlierCandidate(row.id, row.name, row.round_number, as_utc(row.starts_at))
