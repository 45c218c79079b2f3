"""Keeping a panel's nudges in line with the panel, in the same transaction as the change.

``PanelNudges`` is the panel service's change hook: when a panel is scheduled, rescheduled or
cancelled it snapshots the panel, plans the time-based nudges (``scheduling.policy``), cancels
pending ones that no longer apply, adds new ones, and queues the one-off notices of the event.
Because this runs inside the change's own transaction, a panel change and its nudges commit or
roll back together: no reminder is ever planned for a change that did not happen.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import replace
from datetime import datetime
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.config import Settings
from bot.followup.loading import load_progress
from bot.models import AuditEvent, Panel, Panelist
from bot.panels.service import PanelChange
from bot.people import Directory
from bot.prep import queue as prep_queue
from scheduling import outbox
from scheduling.policy import (
    NudgeKind,
    PanelistSnapshot,
    PanelSnapshot,
    PlannedNudge,
    diff,
    event_key,
    event_nudges,
    plan,
)

#: How long a change waits for people's zones before planning without them (seconds).
ZONE_LOOKUP_BUDGET = 1.0

#: Which audit action announces itself to the panel, and with which notice.
EVENT_KINDS = {
    "rescheduled": NudgeKind.PANEL_RESCHEDULED,
    "cancelled": NudgeKind.PANEL_CANCELLED,
}


def panelist_state(panelist: Panelist) -> PanelistSnapshot:
    """Where a panelist stands on prep. The one place the policy and the guards read it from."""
    return PanelistSnapshot(
        user_id=panelist.user_id,
        confirmed=panelist.confirmed_at is not None,
        declined=panelist.declined_at is not None,
    )


def snapshot(panel: Panel, version: int) -> PanelSnapshot:
    return PanelSnapshot(
        panel_id=panel.id,
        status=panel.status,
        starts_at=panel.starts_at,
        duration_minutes=panel.duration_minutes,
        coordinator_id=panel.coordinator_id,
        panelists=tuple(panelist_state(p) for p in panel.panelists),
        version=version,
        hiring_manager_id=panel.hiring_manager_id,
        recruiter_id=panel.recruiter_id,
    )


async def with_followup(session: AsyncSession, state: PanelSnapshot, panel: Panel) -> PanelSnapshot:
    """``state`` with where the panel stands after it ends (feedback, decision, updates), read
    in the change's own session so what the change just wrote is planned for."""
    progress = (await load_progress(session, [panel]))[panel.id]
    return replace(state, followup=progress)


async def schedule_version(session: AsyncSession, panel_id: int) -> int:
    """How many times the panel was rescheduled: the policy's ``version`` for dedupe keys."""
    count = await session.scalar(
        select(func.count())
        .select_from(AuditEvent)
        .where(AuditEvent.panel_id == panel_id, AuditEvent.action == "rescheduled")
    )
    return int(count or 0)


def _with_zone(tz_of: Mapping[str, str], extra: Mapping[str, Any] | None = None):  # type: ignore[no-untyped-def]
    """Each row carries its recipient's zone, so sending it needs no directory lookup."""

    def payload(nudge: PlannedNudge) -> dict[str, Any]:
        return {**(extra or {}), "tz": tz_of.get(nudge.recipient_id) or "UTC"}

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
    to_add, to_cancel = diff(planned, await outbox.open_keys(session, panel.panel_id))
    await outbox.cancel(session, to_cancel, now=now)
    await outbox.enqueue(session, to_add, now=now, payload=_with_zone(tz_of))
    return to_add, to_cancel


def event_notices(kind: NudgeKind, panel: PanelSnapshot, change: PanelChange) -> list[PlannedNudge]:
    """The policy's notices of an event, plus the receipt for whoever made the change."""
    notices = event_nudges(kind, panel, now=change.at, event_id=str(change.event_id))
    if all(n.recipient_id != change.actor_id for n in notices):
        notices.append(
            PlannedNudge(
                kind=kind,
                panel_id=panel.panel_id,
                subject_id=None,
                recipient_id=change.actor_id,
                due_at=change.at,
                urgent=True,
                dedupe_key=event_key(kind, panel.panel_id, str(change.event_id), change.actor_id),
            )
        )
    return notices


class PanelNudges:
    """The panel service's change hook: re-plans nudges and queues event notices."""

    def __init__(self, settings: Settings, directory: Directory) -> None:
        self.settings = settings
        self.directory = directory

    async def zones(self, user_ids: Sequence[str]) -> dict[str, str]:
        """Recipients' zones from their profiles, fetched before the change's transaction opens
        so no lock is held while Slack answers. Within a budget, so a form submission is still
        answered inside Slack's 3 seconds: whoever Slack is slow on is left out (planned in UTC
        for now) and each nudge resolves its reader's zone again when it is sent."""
        people = await self.directory.people(list(user_ids), within=ZONE_LOOKUP_BUDGET)
        return {user_id: person.tz for user_id, person in people.items() if person.known}

    async def changed(
        self,
        session: AsyncSession,
        panel: Panel,
        change: PanelChange,
        tz_of: Mapping[str, str],
    ) -> None:
        state = snapshot(panel, await schedule_version(session, panel.id))
        state = await with_followup(session, state, panel)
        await replan(session, state, self.settings, tz_of, change.at)
        await prep_queue.on_panel_change(
            session,
            panel,
            change.action,
            change.event_id,
            version=state.version,
            now=change.at,
            tz_of=tz_of,
        )
        kind = EVENT_KINDS.get(change.action)
        if kind is not None:
            notices = event_notices(kind, state, change)
            extra = {**change.detail, "by": change.actor_id}
            await outbox.enqueue(session, notices, now=change.at, payload=_with_zone(tz_of, extra))
