"""What the panel and prep nudges say: the platform notice built from the panel's current state.

Built at send time, not at planning time, so a reminder shows the panel as it is when it
arrives (a renamed role, a new location). Only the notices with panel cards need the directory
(names and titles); reminders need nothing but the panel. Every composer has one signature,
``(nudge, panel, ctx)``; :mod:`scheduling.kinds` names each kind's composer.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import update
from sqlalchemy.ext.asyncio import AsyncSession

from bot.config import Settings
from bot.delivery import Delivery
from bot.models import Nudge, Panel, Panelist
from bot.panels.candidate_message import cancelled_message, moved_message
from bot.panels.labels import PERSPECTIVE_LABELS, focus_label
from bot.panels.notices import NudgeFailed, PanelCancelled, PanelRescheduled
from bot.panels.request import Slot
from bot.panels.rounds import packet_rounds
from bot.panels.summary import brief, confirmation, hours_check, summarise
from bot.people import Directory, Person
from bot.platform import Notice
from bot.prep.ics import build_invite, invite_filename
from bot.prep.notices import (
    CalendarInvite,
    PacketWithdrawn,
    PanelistDeclined,
    PrepEscalation,
    PrepReminder,
)
from bot.prep.packet import build_packet
from scheduling.guards import unprepared


@dataclass(frozen=True)
class ComposeContext:
    """What a composer may use besides the nudge and its panel."""

    directory: Directory
    settings: Settings
    now: datetime
    #: Open only for kinds whose record says ``reads_db`` (the dispatcher opens one per batch).
    session: AsyncSession | None = None

    @property
    def db(self) -> AsyncSession:
        if self.session is None:
            raise ValueError("this kind reads the database to compose: its record says reads_db")
        return self.session


Composer = Callable[[Nudge, Panel, ComposeContext], Awaitable[Notice]]
#: Work to do in the transaction that records a nudge as sent, where it landed in hand.
AfterSent = Callable[[AsyncSession, Nudge, Delivery], Awaitable[None]]


async def prep_reminder(nudge: Nudge, panel: Panel, _ctx: ComposeContext) -> Notice:
    seat = next(p for p in panel.panelists if p.user_id == nudge.subject_id)
    return PrepReminder(brief(panel), seat.focus_area, seat.focus_detail)


async def prep_escalation(_nudge: Nudge, panel: Panel, _ctx: ComposeContext) -> Notice:
    declined = tuple(
        (p.user_id, p.decline_reason or "") for p in panel.panelists if p.declined_at is not None
    )
    return PrepEscalation(brief(panel), unprepared(panel), declined)


async def panel_scheduled(nudge: Nudge, panel: Panel, ctx: ComposeContext) -> Notice:
    prior = nudge.payload.get("prior_interviewers", [])
    return await confirmation(panel, ctx.directory, prior, ctx.settings)


def _to_recruiter(nudge: Nudge, panel: Panel) -> bool:
    """The recruiter's copy of a move carries the note for the candidate: they send it."""
    return nudge.recipient_id == panel.recruiter_id


async def panel_rescheduled(nudge: Nudge, panel: Panel, ctx: ComposeContext) -> Notice:
    previous = nudge.payload["previous"]
    slot = Slot(
        datetime.fromisoformat(previous["starts_at"]),
        int(previous["duration_minutes"]),
        previous["timezone"],
    )
    by = await ctx.directory.person(nudge.payload["by"])
    summary = await summarise(panel, ctx.directory)
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
    warnings = hours_check(summary, panel, ctx.settings) if nudge.recipient_id == by.id else []
    return PanelRescheduled(
        summary, slot, by, note, tuple(warnings), via=str(nudge.payload.get("via", ""))
    )


async def panel_cancelled(nudge: Nudge, panel: Panel, ctx: ComposeContext) -> Notice:
    by = await ctx.directory.person(nudge.payload["by"])
    summary = await summarise(panel, ctx.directory)
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


async def nudge_failed(nudge: Nudge, panel: Panel, _ctx: ComposeContext) -> Notice:
    p = nudge.payload
    what = p.get("what") or str(p["kind"]).replace("_", " ")
    return NudgeFailed(brief(panel), p["kind"], p["recipient"], p["error"], what)


# --- prep (bot.prep) ----------------------------------------------------------------------


def _seat(nudge: Nudge, panel: Panel) -> Panelist | None:
    return next((p for p in panel.panelists if p.user_id == nudge.recipient_id), None)


async def prep_packet(nudge: Nudge, panel: Panel, ctx: ComposeContext) -> Notice:
    seat = _seat(nudge, panel)
    if seat is None:  # the guard checked; a replacement raced in between
        raise LookupError(f"{nudge.recipient_id} is no longer on {panel.reference}")
    people = await ctx.directory.people([p.user_id for p in panel.panelists])
    started = ctx.now >= panel.starts_at
    return build_packet(brief(panel), panel, seat, people, nudge.payload, started=started)


async def packet_update(nudge: Nudge, panel: Panel, ctx: ComposeContext) -> Notice:
    return await _packet_in_place(nudge, panel, ctx)


async def packet_closed(nudge: Nudge, panel: Panel, ctx: ComposeContext) -> Notice:
    """At the start: the packet without its buttons, with the rounds before read afresh
    (its planning carried none)."""
    return await _packet_in_place(nudge, panel, ctx, await packet_rounds(ctx.db, panel))


async def _packet_in_place(
    nudge: Nudge,
    panel: Panel,
    ctx: ComposeContext,
    earlier: Mapping[str, Any] | None = None,
) -> Notice:
    """The packet re-rendered in place; from the start on, without its prep buttons.
    ``earlier``: the rounds before, when the payload does not carry them."""
    seat = _seat(nudge, panel)
    if seat is None or not seat.packet_channel or not seat.packet_ts:
        where = Delivery(nudge.payload["channel"], nudge.payload["ts"])
        return PacketWithdrawn(brief(panel), where)
    people = await ctx.directory.people([p.user_id for p in panel.panelists])
    where = Delivery(seat.packet_channel, seat.packet_ts)
    return build_packet(
        brief(panel),
        panel,
        seat,
        people,
        nudge.payload if earlier is None else earlier,
        replaces=where,
        started=ctx.now >= panel.starts_at,
    )


async def prep_invite(nudge: Nudge, panel: Panel, ctx: ComposeContext) -> Notice:
    cancelled = bool(nudge.payload.get("cancelled"))
    attendees = [p.user_id for p in panel.panelists if p.declined_at is None]
    people = await ctx.directory.people([panel.coordinator_id, *attendees])
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


async def panelist_declined(nudge: Nudge, panel: Panel, _ctx: ComposeContext) -> Notice:
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


async def record_packet(session: AsyncSession, nudge: Nudge, delivery: Delivery) -> None:
    """Where a packet landed goes on the panelist, so later changes update it in place."""
    await session.execute(
        update(Panelist)
        .where(Panelist.panel_id == nudge.panel_id, Panelist.user_id == nudge.recipient_id)
        .values(packet_channel=delivery.channel, packet_ts=delivery.message_id)
    )


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
