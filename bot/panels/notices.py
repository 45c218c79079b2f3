"""What the core tells people about a panel itself, as plain data: its heading, the notices of
its scheduling, moves and cancellation, and an undeliverable nudge. Platforms render these."""

from __future__ import annotations

from dataclasses import dataclass

from bot.panels.composition import CompositionWarning
from bot.panels.request import Slot
from bot.people import Person


@dataclass(frozen=True)
class SeatHolder:
    """A seat on the panel with its person resolved (name, title, zone), as cards show it."""

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
    seats: tuple[SeatHolder, ...]


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
class NudgeFailed:
    """To the coordinator: a nudge could not be delivered however often it was tried."""

    brief: PanelBrief
    kind: str  # what could not be delivered (a ``scheduling.nudges.NudgeKind`` value)
    recipient_id: str
    error: str
    what: str = ""  # the kind as people call it ("prep reminder"), from its record
