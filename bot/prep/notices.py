"""Prep notices as plain data: what the core asks a platform to show; no Block Kit here."""

from __future__ import annotations

import enum
from dataclasses import dataclass
from datetime import datetime

from bot.delivery import Delivery, FileToShare
from bot.panels.notices import PanelBrief


@dataclass(frozen=True)
class PrepReminder:
    """To a panelist who has not confirmed their prep: what is coming, when, and their focus."""

    brief: PanelBrief
    focus_area: str
    focus_detail: str


@dataclass(frozen=True)
class PrepEscalation:
    """To the coordinator, before the start: who on the panel is still unprepared."""

    brief: PanelBrief
    unprepared: tuple[str, ...]  # user ids, in panel order
    declined: tuple[tuple[str, str], ...] = ()  # (user id, reason) of those who can't attend


class PacketState(enum.StrEnum):
    OPEN = "open"  # waiting for the panelist: confirm, decline or plan
    CONFIRMED = "confirmed"  # "I've reviewed the materials"
    DECLINED = "declined"  # "I can't attend"
    CANCELLED = "cancelled"  # the panel was cancelled
    REMOVED = "removed"  # the panelist was replaced


@dataclass(frozen=True)
class RosterEntry:
    user_id: str
    name: str
    title: str
    focus: str  # a human label
    perspective: str  # a human label


@dataclass(frozen=True)
class PrepPacket:
    """Everything one panelist needs to walk in prepared, in their own time zone.

    ``replaces`` names the packet's earlier message when this is an update in place.
    """

    brief: PanelBrief
    recipient_id: str
    roster: tuple[RosterEntry, ...]
    focus: str  # the reader's focus area, as a label
    perspective: str
    themes: tuple[str, ...]
    evaluate: tuple[str, ...]  # what to assess in the work product (empty for a conversation)
    notes: tuple[tuple[int, str], ...]  # earlier rounds' notes: (round number, text)
    covered: tuple[str, ...]  # questions asked in earlier rounds: "don't repeat"
    state: PacketState = PacketState.OPEN
    confirmed_at: datetime | None = None
    decline_reason: str = ""
    replaces: Delivery | None = None
    started: bool = False  # the panel has started: prep is closed, so no buttons


@dataclass(frozen=True)
class PacketWithdrawn:
    """Replaces the packet of someone no longer on the panel (they were replaced)."""

    brief: PanelBrief
    replaces: Delivery


@dataclass(frozen=True)
class PanelistDeclined:
    """To the coordinator at once: a panelist can't attend; offers a one-click replacement."""

    brief: PanelBrief
    panelist_id: str
    reason: str
    focus: str
    perspective: str
    still_on_panel: bool  # False once someone already replaced them


@dataclass(frozen=True)
class CalendarInvite:
    """An .ics file for a panelist's calendar: a new or updated invite, or a cancellation."""

    brief: PanelBrief
    filename: str
    content: bytes
    cancelled: bool

    def as_file(self) -> FileToShare:
        what = "Cancelled" if self.cancelled else "Calendar invite"
        action = "remove it from" if self.cancelled else "add it to"
        return FileToShare(
            name=self.filename,
            content=self.content,
            title=f"{what}: {self.brief.reference}",
            comment=f"{what} for {self.brief.reference}: open the file to {action} your calendar.",
        )


@dataclass(frozen=True)
class SeatReadiness:
    user_id: str
    state: PacketState  # OPEN (not yet), CONFIRMED or DECLINED
    decline_reason: str
    planned_questions: int
    packet_sent: bool


@dataclass(frozen=True)
class PanelReadiness:
    """``/panel status``'s readiness section: each panelist's prep and question planning."""

    seats: tuple[SeatReadiness, ...]

    @property
    def unprepared(self) -> tuple[str, ...]:
        return tuple(s.user_id for s in self.seats if s.state == PacketState.OPEN)
