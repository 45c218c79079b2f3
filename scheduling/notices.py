"""What each kind of nudge says: the platform notice built from the panel's current state.

Built at send time, not at planning time, so a reminder shows the panel as it is when it
arrives (a renamed role, a new location). Only the reschedule and cancellation notices need the
directory (their panel cards show names and titles); reminders need nothing but the panel.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping
from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession

from bot.config import Settings
from bot.followup import notices as followup
from bot.models import Nudge, Panel
from bot.panels.request import Slot
from bot.panels.summary import slot_of, summarise
from bot.people import Directory, Person
from bot.platform import (
    Notice,
    NudgeFailed,
    PanelBrief,
    PanelCancelled,
    PanelRescheduled,
    PrepEscalation,
    PrepReminder,
)
from scheduling.guards import NUDGE_FAILED, unprepared
from scheduling.policy import NudgeKind

Composer = Callable[[Nudge, Panel, Directory], Awaitable[Notice]]


def brief(panel: Panel) -> PanelBrief:
    return PanelBrief(
        panel_id=panel.id,
        reference=panel.reference,
        candidate_name=panel.candidate.name,
        role_title=panel.role.title,
        responsibilities=panel.role.responsibilities,
        round_number=panel.round_number,
        slot=slot_of(panel),
        format=panel.format,
        location=panel.location,
        resume_url=panel.resume_url,
        coordinator_id=panel.coordinator_id,
    )


async def _prep_reminder(nudge: Nudge, panel: Panel, _directory: Directory) -> Notice:
    seat = next(p for p in panel.panelists if p.user_id == nudge.subject_id)
    return PrepReminder(brief(panel), seat.focus_area, seat.focus_detail)


async def _prep_escalation(_nudge: Nudge, panel: Panel, _directory: Directory) -> Notice:
    return PrepEscalation(brief(panel), unprepared(panel))


async def _rescheduled(nudge: Nudge, panel: Panel, directory: Directory) -> Notice:
    previous = nudge.payload["previous"]
    slot = Slot(
        datetime.fromisoformat(previous["starts_at"]),
        int(previous["duration_minutes"]),
        previous["timezone"],
    )
    by = await directory.person(nudge.payload["by"])
    return PanelRescheduled(await summarise(panel, directory), slot, by)


async def _cancelled(nudge: Nudge, panel: Panel, directory: Directory) -> Notice:
    by = await directory.person(nudge.payload["by"])
    return PanelCancelled(await summarise(panel, directory), by, nudge.payload.get("reason", ""))


async def _failed(nudge: Nudge, panel: Panel, _directory: Directory) -> Notice:
    p = nudge.payload
    return NudgeFailed(brief(panel), p["kind"], p["recipient"], p["error"])


COMPOSERS: Mapping[str, Composer] = {
    NudgeKind.PREP_REMINDER: _prep_reminder,
    NudgeKind.PREP_ESCALATION: _prep_escalation,
    NudgeKind.PANEL_RESCHEDULED: _rescheduled,
    NudgeKind.PANEL_CANCELLED: _cancelled,
    NUDGE_FAILED: _failed,
}


#: Follow-up kinds read the panel's feedback and decisions, so they compose inside a session.
FOLLOWUP_COMPOSERS = followup.COMPOSERS


async def compose(
    nudge: Nudge,
    panel: Panel,
    directory: Directory,
    *,
    session: AsyncSession | None = None,
    settings: Settings | None = None,
    now: datetime | None = None,
) -> Notice:
    after_panel = FOLLOWUP_COMPOSERS.get(nudge.kind)
    if after_panel is not None:
        if session is None or settings is None or now is None:
            raise ValueError(f"{nudge.kind} needs a session, settings and the time to compose")
        ctx = followup.SendContext(session, settings, now, brief(panel))
        return await after_panel(nudge, panel, ctx)  # type: ignore[return-value]
    return await COMPOSERS[nudge.kind](nudge, panel, directory)


async def reader(nudge: Nudge, directory: Directory) -> Person:
    """The recipient, in the zone stored with the nudge when it was planned (no lookup)."""
    tz = nudge.payload.get("tz")
    if tz:
        return Person(id=nudge.recipient_id, name=nudge.recipient_id, tz=tz)
    return await directory.person(nudge.recipient_id)
