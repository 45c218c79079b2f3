"""After the panel, in the database: feedback, excusals, decisions and candidate updates.

Every change is checked against who may make it (``bot.panels.access`` plus the rules below),
and is recorded through the one change pipeline (``bot.changes``), which audits it and re-plans
the panel's nudges in the same transaction, so a reminder for feedback that just arrived is
cancelled with it.

Who may do what after a panel:

- a panelist gives (and edits, until a final decision) their own feedback;
- an owner (coordinator, hiring manager, recruiter) excuses a panelist from feedback;
- the hiring manager decides (advance, offer, reject, or hold, which is not final);
- the recruiter records that the candidate was updated: the only reset of the candidate clock.

Reading feedback, decision reasons and update notes: ``bot.followup.visibility``.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import and_, bindparam, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.changes.actions import Action
from bot.changes.pipeline import Change, ChangePipeline
from bot.clock import Clock
from bot.config import Settings
from bot.db import Database
from bot.followup import visibility
from bot.followup.forms import FeedbackInput
from bot.followup.loading import (
    ONE_PANEL,
    ProgressQuery,
    feedback_input,
    feedback_line,
    load_progress,
    progress_where,
)
from bot.followup.notices import FeedbackLine
from bot.followup.progress import PanelProgress, stalled
from bot.models import (
    AuditEvent,
    CandidateUpdate,
    Decision,
    DecisionOutcome,
    Feedback,
    Panel,
    Panelist,
    PanelStatus,
)
from bot.panels import access
from bot.panels.service import (
    NotAllowed,
    PanelClosed,
    PanelNotFound,
    lock_for_owner,
)

# Built once, bound per call.
_FEEDBACK_OF_PANEL = select(Feedback).where(Feedback.panel_id == bindparam("panel_id"))
_HISTORY = (
    select(AuditEvent)
    .where(AuditEvent.panel_id == bindparam("panel_id"))
    .order_by(AuditEvent.at, AuditEvent.id)
)

#: Panels whose candidate may be stalled for ``user_id`` at ``now``: on, started, and theirs.
_STALLED = ProgressQuery(
    and_(
        Panel.status == PanelStatus.SCHEDULED,
        Panel.starts_at < bindparam("now"),
        (Panel.coordinator_id == bindparam("user_id"))
        | (Panel.hiring_manager_id == bindparam("user_id"))
        | (Panel.recruiter_id == bindparam("user_id"))
        | Panel.id.in_(select(Panelist.panel_id).where(Panelist.user_id == bindparam("user_id"))),
    )
)


class FeedbackLocked(ValueError):
    """A final decision was made: feedback can no longer be given or changed."""


@dataclass(frozen=True)
class FeedbackForm:
    """What the feedback modal needs: the panel, the author's seat and their earlier answers."""

    panel: Panel
    seat: Panelist
    existing: FeedbackInput | None  # what they gave before, to edit


@dataclass(frozen=True)
class FeedbackReading:
    """The feedback a reader may see on one panel, and how many are in."""

    visible: tuple[FeedbackLine, ...]  # in panel order
    submitted: int
    expected: int
    may_read_others: bool  # False: a panelist who has not submitted their own yet


def may_read_feedback(panel: Panel, user_id: str, submitted_own: bool) -> bool:
    """Whoever owes feedback reads others' only after giving their own (``bot.followup.visibility``)."""
    return visibility.may_read_panel(panel, user_id, submitted_own)


def seat_of(panel: Panel, user_id: str) -> Panelist | None:
    return next((p for p in panel.panelists if p.user_id == user_id), None)


class FollowupService:
    def __init__(
        self, db: Database, clock: Clock, settings: Settings, pipeline: ChangePipeline
    ) -> None:
        self.db = db
        self.clock = clock
        self.settings = settings
        self.pipeline = pipeline

    # ------------------------------------------------------------------ feedback
    async def feedback_form(self, user_id: str, panel_id: int) -> FeedbackForm:
        """The author's seat and earlier feedback; raises if they may not give feedback now."""
        async with self.db.session() as session:
            panel = await self._visible(session, user_id, panel_id)
            seat = self._feedback_seat(panel, user_id)
            await self._not_decided(session, panel)
            existing = await self._feedback_of(session, panel.id, user_id)
            return FeedbackForm(
                panel, seat, feedback_input(existing) if existing is not None else None
            )

    async def submit_feedback(
        self, user_id: str, panel_id: int, data: FeedbackInput, *, submission: str | None = None
    ) -> tuple[Panel, bool]:
        """Store (or replace) the author's feedback; returns the panel and whether it was an edit."""
        async with self.pipeline.change(
            panel_id, people=[user_id], submission=submission, action=Action.FEEDBACK_SUBMITTED
        ) as tx:
            session, now = tx.session, tx.now
            panel = await self._locked(session, user_id, panel_id)
            self._feedback_seat(panel, user_id)
            await self._not_decided(session, panel)
            feedback = await self._feedback_of(session, panel.id, user_id)
            edited = feedback is not None
            if feedback is None:
                feedback = Feedback(panel_id=panel.id, author_id=user_id, submitted_at=now)
                session.add(feedback)
            feedback.recommendation = data.recommendation
            feedback.rating = data.rating
            feedback.evidence = data.evidence
            feedback.concerns = data.concerns
            feedback.questions_asked = list(data.questions_asked)
            feedback.updated_at = now
            action = Action.FEEDBACK_EDITED if edited else Action.FEEDBACK_SUBMITTED
            # No content in the audit trail: everyone on the panel may read the history, but
            # not everyone may read feedback yet.
            await tx.record(panel, Change(action, user_id))
        return panel, edited

    def _feedback_seat(self, panel: Panel, user_id: str) -> Panelist:
        if panel.is_cancelled:
            raise PanelClosed(f"{panel.reference} was cancelled: there is no feedback to give.")
        seat = seat_of(panel, user_id)
        if seat is None:
            raise NotAllowed("Only the panel's interviewers give feedback on it.")
        if seat.declined_at is not None:
            raise NotAllowed("You said you couldn't attend this panel, so no feedback is needed.")
        if self.clock.now() < panel.starts_at:
            raise NotAllowed(f"{panel.reference} hasn't started yet: feedback opens at its start.")
        return seat

    async def _not_decided(self, session: AsyncSession, panel: Panel) -> None:
        decision = await self._latest_decision(session, panel.id)
        if decision is not None and decision.outcome != DecisionOutcome.HOLD:
            raise FeedbackLocked(
                f"The hiring manager has decided on {panel.reference}, so its feedback is final."
            )

    async def reading(self, reader_id: str, panel: Panel) -> FeedbackReading:
        """The feedback ``reader_id`` may see on ``panel`` (already checked visible to them)."""
        async with self.db.session() as session:
            rows = list(await session.scalars(_FEEDBACK_OF_PANEL, {"panel_id": panel.id}))
        order = {p.user_id: p.position for p in panel.panelists}
        rows.sort(key=lambda f: order.get(f.author_id, 99))
        own = any(f.author_id == reader_id for f in rows)
        may = may_read_feedback(panel, reader_id, own)
        visible = tuple(
            feedback_line(f, seat_of(panel, f.author_id))
            for f in rows
            if may or f.author_id == reader_id
        )
        expected = sum(1 for p in panel.panelists if p.declined_at is None)
        return FeedbackReading(visible, len(rows), expected, may)

    # ------------------------------------------------------------------ excusing
    async def excuse(
        self, actor_id: str, panel_id: int, panelist_id: str, *, submission: str | None = None
    ) -> Panel:
        """An owner excuses a panelist from feedback (they left early, were replaced, ...)."""
        async with self.pipeline.change(
            panel_id, people=[actor_id], submission=submission, action=Action.EXCUSED
        ) as tx:
            panel = await lock_for_owner(tx.session, actor_id, panel_id, to="excuse someone")
            seat = seat_of(panel, panelist_id)
            if seat is None:
                raise NotAllowed("That person is not on this panel.")
            if seat.excused_at is None and seat.declined_at is None:
                if await self._feedback_of(tx.session, panel.id, panelist_id) is not None:
                    raise NotAllowed("Their feedback is already in: nothing to excuse.")
                seat.excused_at = tx.now
                await tx.record(panel, Change(Action.EXCUSED, actor_id, {"panelist": panelist_id}))
        return panel

    # ------------------------------------------------------------------ deciding
    async def decision_panel(self, user_id: str, panel_id: int) -> Panel:
        """The panel, if ``user_id`` may decide on it now (its hiring manager, after the end)."""
        async with self.db.session() as session:
            panel = await self._visible(session, user_id, panel_id)
            self._may_decide(panel, user_id)
            return panel

    def _may_decide(self, panel: Panel, user_id: str) -> None:
        if panel.is_cancelled:
            raise PanelClosed(f"{panel.reference} was cancelled.")
        if user_id != panel.hiring_manager_id:
            raise NotAllowed(f"Only {panel.reference}'s hiring manager decides on it.")
        if self.clock.now() < panel.ends_at:
            raise NotAllowed(f"{panel.reference} hasn't ended yet.")

    async def decide(
        self,
        actor_id: str,
        panel_id: int,
        outcome: str,
        reason: str,
        *,
        submission: str | None = None,
    ) -> Panel:
        """Record the decision (a hold leaves it pending); the latest one stands."""
        async with self.pipeline.change(
            panel_id, people=[actor_id], submission=submission, action=Action.DECIDED
        ) as tx:
            panel = await self._locked(tx.session, actor_id, panel_id)
            self._may_decide(panel, actor_id)
            tx.session.add(
                Decision(
                    panel_id=panel.id,
                    outcome=outcome,
                    reason=reason,
                    decided_by=actor_id,
                    decided_at=tx.now,
                )
            )
            detail = {"outcome": outcome, "reason": reason}
            await tx.record(panel, Change(Action.DECIDED, actor_id, detail))
        return panel

    # ------------------------------------------------------------------ the candidate clock
    async def update_panel(self, user_id: str, panel_id: int) -> Panel:
        async with self.db.session() as session:
            panel = await self._visible(session, user_id, panel_id)
            self._may_update(panel, user_id)
            return panel

    def _may_update(self, panel: Panel, user_id: str) -> None:
        if panel.is_cancelled:
            raise PanelClosed(f"{panel.reference} was cancelled.")
        if user_id != panel.recruiter_id:
            raise NotAllowed(f"Only {panel.reference}'s recruiter records candidate updates.")
        if self.clock.now() < panel.ends_at:
            raise NotAllowed(f"{panel.reference} hasn't ended yet.")

    async def candidate_updated(
        self, actor_id: str, panel_id: int, note: str, *, submission: str | None = None
    ) -> Panel:
        """The recruiter told the candidate something: resets the candidate-update clock."""
        async with self.pipeline.change(
            panel_id, people=[actor_id], submission=submission, action=Action.CANDIDATE_UPDATED
        ) as tx:
            panel = await self._locked(tx.session, actor_id, panel_id)
            self._may_update(panel, actor_id)
            tx.session.add(
                CandidateUpdate(panel_id=panel.id, author_id=actor_id, note=note, at=tx.now)
            )
            await tx.record(panel, Change(Action.CANDIDATE_UPDATED, actor_id, {"note": note}))
        return panel

    # ------------------------------------------------------------------ reading
    async def progress(self, panel: Panel) -> PanelProgress:
        async with self.db.session() as session:
            found = await progress_where(session, ONE_PANEL, panel_id=panel.id)
            if panel.id not in found:  # deleted meanwhile: from what the caller holds
                found = await load_progress(session, [panel])
        return found[panel.id]

    async def stalled(self, user_id: str, tz: str = "UTC") -> list[PanelProgress]:
        """Stalled candidates on panels ``user_id`` may see, longest-waiting first."""
        now = self.clock.now()
        async with self.db.session() as session:
            progress = await progress_where(session, _STALLED, user_id=user_id, now=now)
        return stalled(list(progress.values()), now, self.settings, tz)

    async def history(self, user_id: str, panel_id: int) -> tuple[Panel, list[AuditEvent]]:
        """The panel's audit trail, oldest first, for someone who may see the panel."""
        async with self.db.session() as session:
            panel = await self._visible(session, user_id, panel_id)
            events = await session.scalars(_HISTORY, {"panel_id": panel.id})
            return panel, list(events)

    async def feedback_rows(self, panel_id: int) -> list[Feedback]:
        async with self.db.session() as session:
            return list(
                await session.scalars(
                    select(Feedback).where(Feedback.panel_id == panel_id).order_by(Feedback.id)
                )
            )

    # ------------------------------------------------------------------ helpers
    async def _visible(self, session: AsyncSession, user_id: str, panel_id: int) -> Panel:
        panel = await session.get(Panel, panel_id)
        if panel is None or not access.can_view(panel, user_id):
            raise PanelNotFound(panel_id)
        return panel

    async def _locked(self, session: AsyncSession, user_id: str, panel_id: int) -> Panel:
        panel = await session.get(Panel, panel_id, with_for_update=True)
        if panel is None or not access.can_view(panel, user_id):
            raise PanelNotFound(panel_id)
        return panel

    async def _feedback_of(
        self, session: AsyncSession, panel_id: int, user_id: str
    ) -> Feedback | None:
        return await session.scalar(
            select(Feedback).where(Feedback.panel_id == panel_id, Feedback.author_id == user_id)
        )

    async def _latest_decision(self, session: AsyncSession, panel_id: int) -> Decision | None:
        return await session.scalar(
            select(Decision)
            .where(Decision.panel_id == panel_id)
            .order_by(Decision.decided_at.desc(), Decision.id.desc())
            .limit(1)
        )
