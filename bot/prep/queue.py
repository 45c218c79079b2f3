"""Queueing prep messages in the outbox, inside the transaction of the change that owes them.

Packets, their updates in place and calendar invites are urgent event nudges (due at once, one
per event and person thanks to their dedupe keys), so a crash or a Slack outage delays them but
never loses or doubles them. What earlier rounds covered is read here, in the change's own
session, and carried in the payload: the dispatcher composes from the panel and the payload
alone.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import datetime
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from bot.models import Panel
from bot.panels.rounds import earlier_rounds
from scheduling import outbox
from scheduling.policy import NudgeKind, PlannedNudge, event_key


async def earlier_payload(session: AsyncSession, panel: Panel) -> dict[str, Any]:
    """Round-1 notes and the questions already asked, as JSON for the packet's payload."""
    earlier = await earlier_rounds(session, panel)
    return {
        "notes": [[number, text] for number, text in earlier.notes],
        "covered": [q.text for q in earlier.questions],
    }


def _notice(kind: NudgeKind, panel_id: int, event_id: str, user_id: str, now: datetime):  # type: ignore[no-untyped-def]
    return PlannedNudge(
        kind=kind,
        panel_id=panel_id,
        subject_id=user_id,
        recipient_id=user_id,
        due_at=now,
        urgent=True,
        dedupe_key=event_key(kind, panel_id, event_id, user_id),
    )


async def queue(
    session: AsyncSession,
    kind: NudgeKind,
    panel_id: int,
    event_id: str,
    user_ids: Iterable[str],
    *,
    now: datetime,
    tz_of: Mapping[str, str],
    extra: Mapping[str, Any] | None = None,
    per_user: Mapping[str, Mapping[str, Any]] | None = None,
) -> None:
    """One urgent ``kind`` nudge per user for event ``event_id``, each carrying its zone."""
    nudges = [_notice(kind, panel_id, event_id, u, now) for u in dict.fromkeys(user_ids)]

    def payload(nudge: PlannedNudge) -> dict[str, Any]:
        own = (per_user or {}).get(nudge.recipient_id, {})
        return {**(extra or {}), **own, "tz": tz_of.get(nudge.recipient_id) or "UTC"}

    await outbox.enqueue(session, nudges, now=now, payload=payload)


async def packets(
    session: AsyncSession,
    panel: Panel,
    event_id: str,
    user_ids: Iterable[str],
    *,
    sequence: int,
    now: datetime,
    tz_of: Mapping[str, str],
) -> None:
    """A packet and a calendar invite for each of ``user_ids`` (new panelists)."""
    users = list(user_ids)
    earlier = await earlier_payload(session, panel)
    await queue(
        session,
        NudgeKind.PREP_PACKET,
        panel.id,
        event_id,
        users,
        now=now,
        tz_of=tz_of,
        extra=earlier,
    )
    await invites(session, panel, event_id, users, sequence=sequence, now=now, tz_of=tz_of)


async def invites(
    session: AsyncSession,
    panel: Panel,
    event_id: str,
    user_ids: Iterable[str],
    *,
    sequence: int,
    now: datetime,
    tz_of: Mapping[str, str],
) -> None:
    extra = {"sequence": sequence, "cancelled": panel.is_cancelled}
    await queue(
        session,
        NudgeKind.PREP_INVITE,
        panel.id,
        event_id,
        user_ids,
        now=now,
        tz_of=tz_of,
        extra=extra,
    )


async def updates(
    session: AsyncSession,
    panel: Panel,
    event_id: str,
    user_ids: Iterable[str],
    *,
    now: datetime,
    tz_of: Mapping[str, str],
    per_user: Mapping[str, Mapping[str, Any]] | None = None,
) -> None:
    """Re-render these people's packets in place (the panel moved, was cancelled, someone
    confirmed...). ``per_user`` may name a packet's message for someone no longer on it."""
    earlier = await earlier_payload(session, panel)
    await queue(
        session,
        NudgeKind.PACKET_UPDATE,
        panel.id,
        event_id,
        user_ids,
        now=now,
        tz_of=tz_of,
        extra=earlier,
        per_user=per_user,
    )


async def on_panel_change(
    session: AsyncSession,
    panel: Panel,
    action: str,
    event_id: int,
    *,
    version: int,
    now: datetime,
    tz_of: Mapping[str, str],
) -> None:
    """The prep side of a panel change (called by ``scheduling.replan.PanelNudges``).

    Scheduled: a packet and an invite for everyone. Rescheduled: every packet re-rendered in
    place with the new time, and an updated invite (same UID, higher SEQUENCE). Cancelled:
    every packet marked cancelled in place (buttons gone) and a cancellation of the invite.
    """
    eid = str(event_id)
    everyone = [p.user_id for p in panel.panelists]
    attending = [p.user_id for p in panel.panelists if p.declined_at is None]
    if action == "scheduled":
        await packets(session, panel, eid, attending, sequence=version, now=now, tz_of=tz_of)
    elif action == "rescheduled":
        await updates(session, panel, eid, everyone, now=now, tz_of=tz_of)
        await invites(session, panel, eid, attending, sequence=version, now=now, tz_of=tz_of)
    elif action == "cancelled":
        await updates(session, panel, eid, everyone, now=now, tz_of=tz_of)
        await invites(session, panel, eid, everyone, sequence=version + 1, now=now, tz_of=tz_of)
