"""The chat-platform port: what the core asks a platform to tell people, as plain data.

Domain flows build these notices; each platform adapter renders them (Block Kit for Slack,
Adaptive Cards for Teams later) and delivers them as direct messages.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
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
    candidate_message: str = ""  # the recruiter's copy: the new time, ready to send
    #: Only on the receipt to whoever moved it: what the new time means for the panel.
    warnings: tuple[CompositionWarning, ...] = ()
    via: str = ""  # moved in the ATS ("Ashby"), not by a person in chat


@dataclass(frozen=True)
class PanelCancelled:
    summary: PanelSummary
    by: Person
    reason: str
    candidate_message: str = ""  # the recruiter's copy: a note for the candidate
    via: str = ""  # cancelled in the ATS ("Ashby"), not by a person in chat


@dataclass(frozen=True)
class PanelBrief:
    """A panel as a reminder describes it: no people resolved, so sending one needs no lookups.

    Reminders go out in bulk from the outbox; the reader's own zone (stored with the nudge) is
    all the rendering needs, and people are shown as mentions the platform resolves itself.
    """

    panel_id: int
    reference: str
    candidate_name: str
    role_title: str
    responsibilities: str
    round_number: int
    slot: Slot
    format: str
    location: str
    resume_url: str | None
    coordinator_id: str


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


@dataclass(frozen=True)
class NudgeFailed:
    """To the coordinator: a nudge could not be delivered however often it was tried."""

    brief: PanelBrief
    kind: str  # what could not be delivered (a ``scheduling.policy.NudgeKind`` value)
    recipient_id: str
    error: str


@dataclass(frozen=True)
class Digest:
    """Several notices for one person that fell due together, sent as one message."""

    notices: tuple[Notice, ...]


Notice = (
    PanelScheduled
    | PanelRescheduled
    | PanelCancelled
    | PrepReminder
    | PrepEscalation
    | NudgeFailed
    | Digest
)


@dataclass(frozen=True)
class Delivery:
    """Where a notice landed, so it can be updated in place later."""

    channel: str
    message_id: str


@dataclass(frozen=True)
class Posted:
    """A message the bot finds it posted to someone: the nudges it named, the file it shared."""

    delivery: Delivery
    nudge_ids: tuple[int, ...] = ()
    file_name: str = ""


class ChatPlatform(Protocol):
    async def send_direct(
        self, recipient: Person, notice: Notice, *, nudge_ids: Sequence[int] = ()
    ) -> Delivery:
        """Deliver ``notice`` privately to ``recipient``, rendered in their time zone; the
        message names ``nudge_ids`` where the platform can carry such data."""
        ...

    async def send_file(
        self,
        recipient: Person,
        name: str,
        content: bytes,
        *,
        title: str = "",
        comment: str = "",
    ) -> Delivery:
        """Share a file privately with ``recipient`` (a résumé); the delivery names the file."""
        ...

    async def delete_file(self, delivery: Delivery) -> None:
        """Remove a file shared with ``send_file`` (already gone is fine)."""
        ...

    async def posted_since(self, recipient: Person, since: datetime) -> list[Posted]:
        """What the bot posted to ``recipient`` since ``since`` (to tell after a crash whether
        a send went through)."""
        ...
