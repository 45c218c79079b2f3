"""Keeping a panel's time-based nudges in line with the policy, in the transaction of a change.

``current_state`` snapshots the panel as the policy sees it, prep *and* follow-up, read in the
change's own session so what the change just wrote is planned for; ``replan`` cancels the
pending nudges the policy no longer plans and adds the new ones. The change pipeline
(``bot.changes.pipeline``) is the only caller on a change; the dispatcher calls it after a
renewing nudge is sent, so a series plans its next occurrence.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import datetime
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.config import Settings
from bot.followup.loading import load_progress
from bot.models import AuditEvent, Panel
from scheduling import outbox
from scheduling.nudges import PanelSnapshot, PlannedNudge, panelist_state
from scheduling.policy import diff, plan

#: How long a change waits for people's zones before planning without them (seconds): a form
#: submission is still answered inside Slack's 3 seconds; whoever Slack is slow on is planned in
#: UTC for now, and their nudges look their zone up again when sent.
ZONE_LOOKUP_BUDGET = 1.0


async def schedule_version(session: AsyncSession, panel_id: int) -> int:
    """How many times the panel was rescheduled: the policy's ``version`` for dedupe keys."""
    count = await session.scalar(
        select(func.count())
        .select_from(AuditEvent)
        .where(AuditEvent.panel_id == panel_id, AuditEvent.action == "rescheduled")
    )
    return int(count or 0)


async def current_state(session: AsyncSession, panel: Panel) -> PanelSnapshot:
    """Everything the policy plans from, prep and follow-up alike (one snapshot, never half)."""
    await session.flush()
    progress = (await load_progress(session, [panel]))[panel.id]
    return PanelSnapshot(
        panel_id=panel.id,
        status=panel.status,
        starts_at=panel.starts_at,
        duration_minutes=panel.duration_minutes,
        coordinator_id=panel.coordinator_id,
        panelists=tuple(panelist_state(p) for p in panel.panelists),
        version=await schedule_version(session, panel.id),
        hiring_manager_id=panel.hiring_manager_id,
        recruiter_id=panel.recruiter_id,
        followup=progress,
    )


def zone_payload(
    tz_of: Mapping[str, str], extra: Mapping[str, Any] | None = None
) -> Callable[[PlannedNudge], dict[str, Any]]:
    """Each row carries its recipient's zone, so sending it needs no directory lookup."""

    def payload(nudge: PlannedNudge) -> dict[str, Any]:
        known = tz_of.get(nudge.recipient_id)
        return {**(extra or {}), **({"tz": known} if known else {})}

    return payload


async def replan(
    session: AsyncSession,
    panel: PanelSnapshot,
    settings: Settings,
    tz_of: Mapping[str, str],
    now: datetime,
) -> tuple[list[PlannedNudge], list[str]]:
    """Bring the panel's open time-based nudges in line with the policy; returns (added, cancelled)."""
    planned = plan(panel, settings, tz_of, now)
    pending = await outbox.open_keys(session, panel.panel_id)
    to_add, to_cancel = diff(planned, pending)
    await outbox.cancel(session, to_cancel, now=now)
    await outbox.enqueue(session, to_add, now=now, payload=zone_payload(tz_of))
    # A key kept across a change (a prep nudge moved within its day) takes the new time.
    await outbox.retime(session, [n for n in planned if n.dedupe_key in pending], now=now)
    return to_add, to_cancel
