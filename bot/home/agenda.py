"""What App Home shows one person: sections of items, each a page of a longer list. Plain data.

A platform adapter renders it (``bot.slack.home.view``); nothing here knows Block Kit.
"""

from __future__ import annotations

import enum
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Generic, TypeVar

from bot.followup.progress import Blocker, Stage


class SectionName(enum.StrEnum):
    ACTION = "action"  # "Needs your action"
    UPCOMING = "upcoming"  # "Your upcoming panels"
    STALLED = "stalled"  # "Stalled" (owners only)


class ActionKind(enum.StrEnum):
    """What the person has to do, in the order App Home lists them."""

    REVIEW_PACKET = "review_packet"  # a panelist: confirm or decline an upcoming panel
    SUBMIT_FEEDBACK = "submit_feedback"  # a panelist: the panel ended, feedback is owed
    DECIDE = "decide"  # the hiring manager: all feedback in, no final decision
    UPDATE_CANDIDATE = "update_candidate"  # the recruiter: decided, or the update clock ran out


ACTION_ORDER = {kind: i for i, kind in enumerate(ActionKind)}


class PrepState(enum.StrEnum):
    PENDING = "pending"
    CONFIRMED = "confirmed"
    DECLINED = "declined"


@dataclass(frozen=True)
class PanelRef:
    """The panel as a line of App Home names it."""

    panel_id: int
    reference: str
    candidate_name: str
    role_title: str
    round_number: int
    starts_at: datetime
    ends_at: datetime


@dataclass(frozen=True)
class ActionItem:
    kind: ActionKind
    panel: PanelRef
    due_at: datetime
    days_overdue: int  # whole (business) days past ``due_at``; 0 when not overdue
    note: str = ""  # e.g. "decided: offer", "on hold: waiting for references"
    planned_questions: int = 0  # for REVIEW_PACKET: how many questions are planned already
    # For UPDATE_CANDIDATE raised by the candidate-update clock while another stage blocks:
    waiting_since: datetime | None = None  # when the candidate last heard from us
    stage: Stage | None = None  # what the candidate is still waiting for


@dataclass(frozen=True)
class Readiness:
    """How prepared an upcoming panel is, for the people who run it."""

    confirmed: int
    declined: int
    total: int


@dataclass(frozen=True)
class UpcomingItem:
    panel: PanelRef
    roles: tuple[str, ...]  # the viewer's roles on it: "panelist", "coordinator", ...
    prep: PrepState | None  # the viewer's own prep, when they sit on the panel
    readiness: Readiness | None  # the whole panel's, when the viewer runs it


@dataclass(frozen=True)
class StalledItem:
    panel: PanelRef
    stage: Stage
    blockers: tuple[Blocker, ...]  # whose feedback, decision or update is missing
    waiting_since: datetime  # the candidate-update clock: last heard from us
    update_due_at: datetime
    update_days_overdue: int
    recruiter_id: str = ""  # who owns the candidate-update clock


T = TypeVar("T")


@dataclass(frozen=True)
class Section(Generic[T]):
    """One page of a section: ``items`` are entries ``start`` to ``start + len(items)`` of
    ``total``."""

    name: SectionName
    items: tuple[T, ...]
    total: int
    page: int
    page_size: int

    @property
    def start(self) -> int:
        return self.page * self.page_size

    @property
    def remaining(self) -> int:
        """How many come after this page."""
        return max(0, self.total - self.start - len(self.items))

    @property
    def has_previous(self) -> bool:
        return self.page > 0

    @property
    def last_page(self) -> int:
        return max(0, (self.total - 1) // self.page_size)


def page_of(name: SectionName, items: Sequence[T], page: int, page_size: int) -> Section[T]:
    """The ``page``-th slice of ``items``, clamped to the last page (lists shrink between
    a click and its answer)."""
    last = max(0, (len(items) - 1) // page_size)
    page = min(max(page, 0), last)
    start = page * page_size
    return Section(name, tuple(items[start : start + page_size]), len(items), page, page_size)


@dataclass(frozen=True)
class HomePages:
    """Which page of each section to show: carried in App Home's paging buttons' values."""

    action: int = 0
    upcoming: int = 0
    stalled: int = 0

    def of(self, name: SectionName) -> int:
        count: int = getattr(self, name.value)
        return count

    def with_page(self, name: SectionName, page: int) -> HomePages:
        values = {s.value: self.of(s) for s in SectionName}
        values[name.value] = max(0, page)
        return HomePages(**values)

    def encode(self) -> str:
        return ",".join(f"{s.value}={self.of(s)}" for s in SectionName)

    @classmethod
    def decode(cls, text: str) -> HomePages:
        """Lenient: anything unreadable means the first page (a button value is user-facing
        input, even if Slack usually sends back what we rendered)."""
        values: dict[str, int] = {}
        known = {s.value for s in SectionName}
        for part in (text or "").split(","):
            key, _, number = part.partition("=")
            if key in known and number.isdigit():
                values[key] = min(int(number), 10_000)
        return cls(**values)


FIRST_PAGES = HomePages()


@dataclass(frozen=True)
class Agenda:
    user_id: str
    now: datetime
    action: Section[ActionItem]
    upcoming: Section[UpcomingItem]
    stalled: Section[StalledItem] | None  # None: the viewer runs no active panel
    counts: dict[ActionKind, int] = field(default_factory=dict)  # all action items, by kind

    @property
    def pages(self) -> HomePages:
        return HomePages(
            action=self.action.page,
            upcoming=self.upcoming.page,
            stalled=self.stalled.page if self.stalled else 0,
        )
