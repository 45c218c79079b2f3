"""What each kind of nudge says: the platform notice built from the panel's current state.

Built at send time, not at planning time, so a reminder shows the panel as it is when it
arrives (a renamed role, a new location). Only the reschedule and cancellation notices need the
directory (their panel cards show names and titles); reminders need nothing but the panel.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Iterable, Mapping
from datetime import datetime

from sqlalchemy import update
from sqlalchemy.ext.asyncio import AsyncSession

from bot.config import Settings
from bot.followup import notices as followup
from bot.models import Nudge, Panel, Panelist
from bot.panels.request import Slot
from bot.panels.summary import slot_of, summarise
from bot.panels.vocabulary import PERSPECTIVE_LABELS, focus_label
from bot.people import Directory, Person
from bot.platform import (
    Delivery,
    Notice,
    NudgeFailed,
    PanelBrief,
    PanelCancelled,
    PanelRescheduled,
    PrepEscalation,
    PrepReminder,
)
from bot.prep.ics import build_invite, invite_filename
from bot.prep.notices import CalendarInvite, PacketWithdrawn, PanelistDeclined
from bot.prep.packet import build_packet
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
    declined = tuple(
        (p.user_id, p.decline_reason or "") for p in panel.panelists if p.declined_at is not None
    )
    return PrepEscalation(brief(panel), unprepared(panel), declined)


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


# --- prep (bot.prep) ----------------------------------------------------------------------


def _seat(nudge: Nudge, panel: Panel) -> Panelist | None:
    return next((p for p in panel.panelists if p.user_id == nudge.recipient_id), None)


async def _packet(nudge: Nudge, panel: Panel, directory: Directory) -> Notice:
    seat = _seat(nudge, panel)
    if seat is None:  # the guard checked; a replacement raced in between
        raise LookupError(f"{nudge.recipient_id} is no longer on {panel.reference}")
    people = await directory.people([p.user_id for p in panel.panelists])
    return build_packet(brief(panel), panel, seat, people, nudge.payload)


async def _packet_update(nudge: Nudge, panel: Panel, directory: Directory) -> Notice:
    seat = _seat(nudge, panel)
    if seat is None or not seat.packet_channel or not seat.packet_ts:
        where = Delivery(nudge.payload["channel"], nudge.payload["ts"])
        return PacketWithdrawn(brief(panel), where)
    people = await directory.people([p.user_id for p in panel.panelists])
    where = Delivery(seat.packet_channel, seat.packet_ts)
    return build_packet(brief(panel), panel, seat, people, nudge.payload, replaces=where)


async def _invite(nudge: Nudge, panel: Panel, directory: Directory) -> Notice:
    cancelled = bool(nudge.payload.get("cancelled"))
    attendees = [p.user_id for p in panel.panelists if p.declined_at is None]
    people = await directory.people([panel.coordinator_id, *attendees])
    b = brief(panel)
    content = build_invite(
        b,
        organizer=people[panel.coordinator_id],
        attendees=[people[u] for u in attendees],
        sequence=int(nudge.payload.get("sequence", 0)),
        cancelled=cancelled,
        stamp=nudge.created_at,
    )
    return CalendarInvite(b, invite_filename(b, cancelled), content, cancelled)


async def _declined(nudge: Nudge, panel: Panel, _directory: Directory) -> Notice:
    seat = next((p for p in panel.panelists if p.user_id == nudge.subject_id), None)
    p = nudge.payload
    return PanelistDeclined(
        brief(panel),
        panelist_id=nudge.subject_id or "",
        reason=p.get("reason", ""),
        focus=focus_label(p.get("focus_area", ""), p.get("focus_detail", "")),
        perspective=PERSPECTIVE_LABELS.get(p.get("perspective", ""), p.get("perspective", "")),
        still_on_panel=seat is not None,
    )


async def _record_packet(session: AsyncSession, nudge: Nudge, delivery: Delivery) -> None:
    """Where a packet landed goes on the panelist, so later changes update it in place."""
    await session.execute(
        update(Panelist)
        .where(Panelist.panel_id == nudge.panel_id, Panelist.user_id == nudge.recipient_id)
        .values(packet_channel=delivery.channel, packet_ts=delivery.message_id)
    )


AfterSent = Callable[[AsyncSession, Nudge, Delivery], Awaitable[None]]

#: Work to do in the transaction that records a kind of nudge as sent.
AFTER_SENT: Mapping[str, AfterSent] = {
    NudgeKind.PREP_PACKET: _record_packet,
}

#: Kinds always sent as a message of their own, never folded into a digest: a packet is
#: updated in place later, and an invite is a file, not a message.
STANDALONE: frozenset[str] = frozenset(
    {NudgeKind.PREP_PACKET, NudgeKind.PACKET_UPDATE, NudgeKind.PREP_INVITE}
)


async def after_sent(session: AsyncSession, nudges: Iterable[Nudge], delivery: Delivery) -> None:
    for nudge in nudges:
        hook = AFTER_SENT.get(nudge.kind)
        if hook is not None:
            await hook(session, nudge, delivery)


COMPOSERS: Mapping[str, Composer] = {
    NudgeKind.PREP_REMINDER: _prep_reminder,
    NudgeKind.PREP_ESCALATION: _prep_escalation,
    NudgeKind.PANEL_RESCHEDULED: _rescheduled,
    NudgeKind.PANEL_CANCELLED: _cancelled,
    NUDGE_FAILED: _failed,
    NudgeKind.PREP_PACKET: _packet,
    NudgeKind.PACKET_UPDATE: _packet_update,
    NudgeKind.PREP_INVITE: _invite,
    NudgeKind.PANELIST_DECLINED: _declined,
    NudgeKind.PREP_REMINDER_NOW: _prep_reminder,
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


#: How long a send waits for the recipient's profile before using the zone stored at planning.
READER_LOOKUP_BUDGET = 1.0


async def reader(nudge: Nudge, directory: Directory) -> Person:
    """The recipient as they are now (the directory's cache, or a lookup within a short budget);
    the zone stored with the nudge when it was planned only if Slack cannot say in time."""
    found = await directory.people([nudge.recipient_id], within=READER_LOOKUP_BUDGET)
    person = found[nudge.recipient_id]
    if person.known:
        return person
    tz = nudge.payload.get("tz") or person.tz
    return Person(id=nudge.recipient_id, name=nudge.recipient_id, tz=tz, known=False)
