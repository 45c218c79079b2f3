"""The chat-platform port: what the core asks a platform to tell people, as plain data.

Domain flows build these notices; each platform adapter renders them (Block Kit for Slack,
Adaptive Cards for Teams later) and delivers them as direct messages.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

from bot.panels.composition import CompositionWarning
from bot.panels.request import Slot
from bot.people import Person


@dataclass(frozen=True)
class Seat:
    person: Person
    focus_area: str
    focus_detail: str
    perspective: str


@dataclass(frozen=True)
class PanelSummary:
    """Everything a person on the panel may see about it, with people resolved."""

    panel_id: int
    reference: str
    candidate_name: str
    role_title: str
    round_number: int
    slot: Slot
    format: str
    location: str
    resume_url: str | None
    cancelled: bool
    coordinator: Person
    hiring_manager: Person
    recruiter: Person
    seats: tuple[Seat, ...]


@dataclass(frozen=True)
class PanelScheduled:
    """To the coordinator: the stored panel, what looks weak about it, and the candidate note."""

    summary: PanelSummary
    warnings: tuple[CompositionWarning, ...]
    candidate_message: str


@dataclass(frozen=True)
class PanelRescheduled:
    summary: PanelSummary
    previous: Slot
    by: Person


@dataclass(frozen=True)
class PanelCancelled:
    summary: PanelSummary
    by: Person
    reason: str


Notice = PanelScheduled | PanelRescheduled | PanelCancelled


@dataclass(frozen=True)
class Delivery:
    """Where a notice landed, so it can be updated in place later."""

    channel: str
    message_id: str


class ChatPlatform(Protocol):
    async def send_direct(self, recipient: Person, notice: Notice) -> Delivery:
        """Deliver ``notice`` privately to ``recipient``, rendered in their time zone."""
        ...
