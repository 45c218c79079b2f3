"""How the outbox is doing, for operators: nudges by status and kind, and how far behind it is.

The lag is the age of the oldest nudge that is pending and already due: 0 while the dispatcher
keeps up, growing while it is stopped, stuck behind an outage, or short of capacity.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.models import Nudge, NudgeStatus


@dataclass(frozen=True)
class OutboxStats:
    counts: dict[tuple[str, str], int]  # (status, kind) -> nudges
    lag_seconds: float


async def outbox_stats(session: AsyncSession, now: datetime) -> OutboxStats:
    """Counts and lag in one ``GROUP BY``: the earliest pending due time per kind is enough
    to tell the oldest *due* one (if the earliest is not due yet, none is)."""
    rows = await session.execute(
        select(Nudge.status, Nudge.kind, func.count(), func.min(Nudge.due_at)).group_by(
            Nudge.status, Nudge.kind
        )
    )
    counts: dict[tuple[str, str], int] = {}
    oldest: datetime | None = None
    for status, kind, count, earliest in rows:
        counts[(status, kind)] = count
        if status == NudgeStatus.PENDING and (oldest is None or earliest < oldest):
            oldest = earliest
    return OutboxStats(counts, _age(oldest, now))


async def outbox_lag(session: AsyncSession, now: datetime) -> float:
    """Only the lag, from the (status, due_at) index: cheap enough for every health check."""
    oldest = await session.scalar(
        select(func.min(Nudge.due_at)).where(
            Nudge.status == NudgeStatus.PENDING, Nudge.due_at <= now
        )
    )
    return _age(oldest, now)


def _age(oldest: datetime | None, now: datetime) -> float:
    if oldest is None or oldest > now:
        return 0.0
    return (now - oldest).total_seconds()
