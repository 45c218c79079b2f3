"""Where a panel stands after it ends, and who blocks the candidate hearing back. Pure.

One place answers "what is this candidate waiting for, and on whom?" for every consumer: the
follow-up nudges (which name the blockers), ``/panel stalled``, ``/panel status`` and App Home.
It knows nothing of the database or of Slack: :mod:`bot.followup.loading` builds
:class:`PanelProgress` from rows, and the platform adapters render :class:`Blocker`.

The stages after a panel ends, each with one owner:

1. **feedback** from every attending panelist not excused by the coordinator (owner: each
   panelist), due ``HIREBOT_FEEDBACK_REMINDER_AFTER`` after the end;
2. **decision** once all feedback is in (owner: the hiring manager), due ``HIREBOT_DECISION_SLA``
   after the last feedback; a *hold* is recorded but leaves the decision pending;
3. **candidate update** once decided (owner: the recruiter), due one business day after the
   decision.

Separately, the **candidate-update clock** starts at the panel's end and is reset only by the
recruiter recording that the candidate was updated; internal activity (feedback, a hold) does
not reset it. Past ``HIREBOT_CANDIDATE_UPDATE_SLA`` the candidate is *stalled* until they are
told, and the loop is closed once a final decision has been followed by an update.
"""

from __future__ import annotations

import enum
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import cached_property

from bot.config import Settings
from scheduling.business_time import add_duration, days_elapsed

FINAL_OUTCOMES = frozenset({"advance", "offer", "reject"})  # DecisionOutcome minus "hold"
#: How long the recruiter has, after a final decision, to tell the candidate.
TELL_CANDIDATE_WITHIN = timedelta(days=1)


class Stage(enum.StrEnum):
    UPCOMING = "upcoming"  # the panel has not ended
    FEEDBACK = "feedback"  # waiting for feedback
    DECISION = "decision"  # all feedback in, no final decision
    CANDIDATE_UPDATE = "candidate_update"  # decided, the candidate not yet told
    CLOSED = "closed"  # decided and the candidate told
    CANCELLED = "cancelled"


class BlockerKind(enum.StrEnum):
    FEEDBACK = "feedback"
    DECISION = "decision"
    CANDIDATE_UPDATE = "candidate_update"


@dataclass(frozen=True)
class SeatProgress:
    user_id: str
    declined: bool = False
    excused: bool = False
    feedback_at: datetime | None = None

    @property
    def owes_feedback(self) -> bool:
        return not self.declined and not self.excused and self.feedback_at is None


@dataclass(frozen=True)
class DecisionState:
    outcome: str  # a DecisionOutcome value
    reason: str
    decided_by: str
    decided_at: datetime

    @property
    def final(self) -> bool:
        return self.outcome in FINAL_OUTCOMES


@dataclass(frozen=True)
class Blocker:
    """One thing the candidate waits for: what, on whom, since when it was due."""

    kind: BlockerKind
    owner_id: str
    due_at: datetime
    days_overdue: int  # whole days (business days when business time is on) past ``due_at``
    note: str = ""  # e.g. the reason for a hold

    @property
    def overdue(self) -> bool:
        return self.days_overdue > 0


@dataclass(frozen=True)
class PanelProgress:
    panel_id: int
    reference: str
    candidate_name: str
    role_title: str
    cancelled: bool
    ends_at: datetime
    coordinator_id: str
    hiring_manager_id: str
    recruiter_id: str
    seats: tuple[SeatProgress, ...]
    decision: DecisionState | None = None  # the latest one
    last_update_at: datetime | None = None  # the recruiter's latest "I've updated the candidate"

    # ------------------------------------------------------------------ facts
    @cached_property
    def feedback_owed(self) -> tuple[str, ...]:
        # Cached: the stage (which asks this) is judged several times per panel and home.
        return tuple(s.user_id for s in self.seats if s.owes_feedback)

    @property
    def feedback_complete_at(self) -> datetime | None:
        """When the last owed feedback arrived (the panel's end if none was owed); None while
        some is missing."""
        if self.feedback_owed:
            return None
        times = [s.feedback_at for s in self.seats if s.feedback_at is not None]
        return max([self.ends_at, *times])

    @property
    def clock_started_at(self) -> datetime:
        """The candidate-update clock: the panel's end, or the latest update after it."""
        if self.last_update_at is not None and self.last_update_at > self.ends_at:
            return self.last_update_at
        return self.ends_at

    def stage(self, now: datetime) -> Stage:
        if self.cancelled:
            return Stage.CANCELLED
        if now < self.ends_at:
            return Stage.UPCOMING
        if self.feedback_owed:
            return Stage.FEEDBACK
        if self.decision is None or not self.decision.final:
            return Stage.DECISION
        told = self.last_update_at is not None and self.last_update_at >= self.decision.decided_at
        return Stage.CLOSED if told else Stage.CANDIDATE_UPDATE

    # ------------------------------------------------------------------ judgements
    def blockers(self, now: datetime, settings: Settings, tz: str = "UTC") -> list[Blocker]:
        """What the candidate is waiting for right now, by owner, oldest stage first."""
        stage = self.stage(now)
        business = settings.business_time

        def blocker(kind: BlockerKind, owner: str, due: datetime, note: str = "") -> Blocker:
            return Blocker(kind, owner, due, days_elapsed(due, now, tz, business=business), note)

        if stage is Stage.FEEDBACK:
            due = add_duration(
                self.ends_at, settings.feedback_reminder_after, tz, business=business
            )
            late = days_elapsed(due, now, tz, business=business)  # the same for every one owed
            return [Blocker(BlockerKind.FEEDBACK, u, due, late) for u in self.feedback_owed]
        if stage is Stage.DECISION:
            complete = self.feedback_complete_at
            assert complete is not None
            due = add_duration(complete, settings.decision_sla, tz, business=business)
            held = self.decision is not None and not self.decision.final
            note = f"on hold: {self.decision.reason}" if held and self.decision else ""
            return [blocker(BlockerKind.DECISION, self.hiring_manager_id, due, note)]
        if stage is Stage.CANDIDATE_UPDATE:
            assert self.decision is not None
            due = add_duration(
                self.decision.decided_at, TELL_CANDIDATE_WITHIN, tz, business=business
            )
            note = f"decided: {self.decision.outcome}"
            return [blocker(BlockerKind.CANDIDATE_UPDATE, self.recruiter_id, due, note)]
        return []

    def update_due_at(self, settings: Settings, tz: str = "UTC") -> datetime:
        """When the candidate must next hear from us (the clock plus the SLA)."""
        return add_duration(
            self.clock_started_at,
            settings.candidate_update_sla,
            tz,
            business=settings.business_time,
        )

    def waiting(self, now: datetime) -> bool:
        """The candidate is owed news: the panel is over and the loop is not closed."""
        return self.stage(now) in (Stage.FEEDBACK, Stage.DECISION, Stage.CANDIDATE_UPDATE)

    def stalled(self, now: datetime, settings: Settings, tz: str = "UTC") -> bool:
        """Past the candidate-update SLA, or a blocker past its own due time."""
        if not self.waiting(now):
            return False
        if now >= self.update_due_at(settings, tz):
            return True
        return any(b.overdue for b in self.blockers(now, settings, tz))


def stalled(
    panels: Sequence[PanelProgress], now: datetime, settings: Settings, tz: str = "UTC"
) -> list[PanelProgress]:
    """The stalled panels, longest-waiting candidate first."""
    found = [p for p in panels if p.stalled(now, settings, tz)]
    return sorted(found, key=lambda p: p.clock_started_at)
