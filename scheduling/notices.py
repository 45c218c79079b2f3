"""What each kind of nudge says: the platform notice built from the panel's current state.

Built at send time, not at planning time, so a reminder shows the panel as it is when it
arrives (a renamed role, a new location). Only the reschedule and cancellation notices need the
directory (their panel cards show names and titles); reminders need nothing but the panel.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Iterable, Mapping
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import update
from sqlalchemy.ext.asyncio import AsyncSession

from bot.config import Settings
from bot.followup import notices as followup
from bot.models import Nudge, Panel, Panelist
from bot.panels.candidate_message import cancelled_message, moved_message
from bot.panels.flows import confirmation
from bot.panels.request import Slot
from bot.panels.rounds import packet_rounds
from bot.panels.summary import hours_check, slot_of, summarise
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

Composer = Callable[[Nudge, Panel, Directory, datetime], Awaitable[Notice]]
#: For the notices that check the panel's time against each panelist's working hours.
HoursComposer = Callable[[Nudge, Panel, Directory, Settings], Awaitable[Notice]]


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


async def _prep_reminder(
    nudge: Nudge, panel: Panel, _directory: Directory, _now: datetime
) -> Notice:
    seat = next(p for p in panel.panelists if p.user_id == nudge.subject_id)
    return PrepReminder(brief(panel), seat.focus_area, seat.focus_detail)


async def _prep_escalation(
    _nudge: Nudge, panel: Panel, _directory: Directory, _now: datetime
) -> Notice:
    declined = tuple(
        (p.user_id, p.decline_reason or "") for p in panel.panelists if p.declined_at is not None
    )
    return PrepEscalation(brief(panel), unprepared(panel), declined)


async def _scheduled(
    nudge: Nudge, panel: Panel, directory: Directory, settings: Settings
) -> Notice:
    prior = nudge.payload.get("prior_interviewers", [])
    return await confirmation(panel, directory, prior, settings)


def _to_recruiter(nudge: Nudge, panel: Panel) -> bool:
    """The recruiter's copy of a move carries the note for the candidate: they send it."""
    return nudge.recipient_id == panel.recruiter_id


async def _rescheduled(
    nudge: Nudge, panel: Panel, directory: Directory, settings: Settings
) -> Notice:
    previous = nudge.payload["previous"]
    slot = Slot(
        datetime.fromisoformat(previous["starts_at"]),
        int(previous["duration_minutes"]),
        previous["timezone"],
    )
    by = await directory.person(nudge.payload["by"])
    summary = await summarise(panel, directory)
    note = ""
    if _to_recruiter(nudge, panel):
        note = moved_message(
            candidate_name=summary.candidate_name,
            role_title=summary.role_title,
            round_number=summary.round_number,
            slot=summary.slot,
            location=summary.location,
        )
    # The receipt to whoever moved it checks the new time against everyone's working hours.
    warnings = hours_check(summary, panel, settings) if nudge.recipient_id == by.id else []
    return PanelRescheduled(
        summary, slot, by, note, tuple(warnings), via=str(nudge.payload.get("via", ""))
    )


async def _cancelled(nudge: Nudge, panel: Panel, directory: Directory, _now: datetime) -> Notice:
    by = await directory.person(nudge.payload["by"])
    summary = await summarise(panel, directory)
    note = ""
    if _to_recruiter(nudge, panel):
        note = cancelled_message(
            candidate_name=summary.candidate_name,
            role_title=summary.role_title,
            round_number=summary.round_number,
        )
    return PanelCancelled(
        summary, by, nudge.payload.get("reason", ""), note, via=str(nudge.payload.get("via", ""))
    )


async def _failed(nudge: Nudge, panel: Panel, _directory: Directory, _now: datetime) -> Notice:
    p = nudge.payload
    return NudgeFailed(brief(panel), p["kind"], p["recipient"], p["error"])


# --- prep (bot.prep) ----------------------------------------------------------------------


def _seat(nudge: Nudge, panel: Panel) -> Panelist | None:
    return next((p for p in panel.panelists if p.user_id == nudge.recipient_id), None)


async def _packet(nudge: Nudge, panel: Panel, directory: Directory, now: datetime) -> Notice:
    seat = _seat(nudge, panel)
    if seat is None:  # the guard checked; a replacement raced in between
        raise LookupError(f"{nudge.recipient_id} is no longer on {panel.reference}")
    people = await directory.people([p.user_id for p in panel.panelists])
    started = now >= panel.starts_at
    return build_packet(brief(panel), panel, seat, people, nudge.payload, started=started)


async def _packet_update(
    nudge: Nudge,
    panel: Panel,
    directory: Directory,
    now: datetime,
    earlier: Mapping[str, Any] | None = None,
) -> Notice:
    """The packet re-rendered in place; from the start on, without its prep buttons.
    ``earlier``: the rounds before, when the payload does not carry them."""
    seat = _seat(nudge, panel)
    if seat is None or not seat.packet_channel or not seat.packet_ts:
        where = Delivery(nudge.payload["channel"], nudge.payload["ts"])
        return PacketWithdrawn(brief(panel), where)
    people = await directory.people([p.user_id for p in panel.panelists])
    where = Delivery(seat.packet_channel, seat.packet_ts)
    return build_packet(
        brief(panel),
        panel,
        seat,
        people,
        nudge.payload if earlier is None else earlier,
        replaces=where,
        started=now >= panel.starts_at,
    )


async def _invite(nudge: Nudge, panel: Panel, directory: Directory, _now: datetime) -> Notice:
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


async def _declined(nudge: Nudge, panel: Panel, _directory: Directory, _now: datetime) -> Notice:
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
    {
        NudgeKind.PANEL_SCHEDULED,
        NudgeKind.PREP_PACKET,
        NudgeKind.PACKET_UPDATE,
        NudgeKind.PACKET_CLOSED,
        NudgeKind.PREP_INVITE,
    }
)


async def after_sent(session: AsyncSession, nudges: Iterable[Nudge], delivery: Delivery) -> None:
    for nudge in nudges:
        hook = AFTER_SENT.get(nudge.kind)
        if hook is not None:
            await hook(session, nudge, delivery)


COMPOSERS: Mapping[str, Composer] = {
    NudgeKind.PREP_REMINDER: _prep_reminder,
    NudgeKind.PREP_ESCALATION: _prep_escalation,
    NudgeKind.PANEL_CANCELLED: _cancelled,
    NUDGE_FAILED: _failed,
    NudgeKind.PREP_PACKET: _packet,
    NudgeKind.PACKET_UPDATE: _packet_update,
    NudgeKind.PREP_INVITE: _invite,
    NudgeKind.PANELIST_DECLINED: _declined,
    NudgeKind.PREP_REMINDER_NOW: _prep_reminder,
}

#: The coordinator's confirmation and the reschedule receipt name panelists for whom the
#: panel's time falls outside working hours: they compose with the settings.
HOURS_CHECKED: Mapping[str, HoursComposer] = {
    NudgeKind.PANEL_SCHEDULED: _scheduled,
    NudgeKind.PANEL_RESCHEDULED: _rescheduled,
}


#: Kinds that read the database to compose, so the dispatcher opens a session for them:
#: follow-up kinds read feedback and decisions; a packet closed at the start reads the rounds
#: before (its planning carried none).
NEEDS_SESSION: frozenset[str] = frozenset({*followup.COMPOSERS, NudgeKind.PACKET_CLOSED})


async def compose(
    nudge: Nudge,
    panel: Panel,
    directory: Directory,
    *,
    session: AsyncSession | None = None,
    settings: Settings | None = None,
    now: datetime | None = None,
) -> Notice:
    if nudge.kind == NudgeKind.PACKET_CLOSED:
        if session is None or now is None:
            raise ValueError(f"{nudge.kind} needs a session and the time to compose")
        earlier = await packet_rounds(session, panel)
        return await _packet_update(nudge, panel, directory, now, earlier)
    after_panel = followup.COMPOSERS.get(nudge.kind)
    if after_panel is not None:
        if session is None or settings is None or now is None:
            raise ValueError(f"{nudge.kind} needs a session, settings and the time to compose")
        ctx = followup.SendContext(session, settings, now, brief(panel))
        return await after_panel(nudge, panel, ctx)  # type: ignore[return-value]
    checked = HOURS_CHECKED.get(nudge.kind)
    if checked is not None:
        if settings is None:
            raise ValueError(f"{nudge.kind} needs the settings (working hours) to compose")
        return await checked(nudge, panel, directory, settings)
    return await COMPOSERS[nudge.kind](nudge, panel, directory, now or datetime.now(UTC))


#: How long a send waits for the recipient's profile before using the zone stored at planning.
READER_LOOKUP_BUDGET = 1.0


async def reader(nudge: Nudge, directory: Directory) -> Person:
    """The recipient, in the zone their profile had when the nudge was planned (stored with it,
    so a send is one Web API call); when it was unknown then (Slack was slow or down), looked
    up now within a short budget, falling back to UTC only if Slack still cannot say."""
    tz = nudge.payload.get("tz")
    if tz:
        return Person(id=nudge.recipient_id, name=nudge.recipient_id, tz=tz)
    found = await directory.people([nudge.recipient_id], within=READER_LOOKUP_BUDGET)
    return found[nudge.recipient_id]
