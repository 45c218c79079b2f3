"""Planned questions in the database: who may plan, saving a plan with its overlap check, and
the panel-wide coverage for the coordinator.

A panelist plans only for a panel they sit on, have not declined, and that is not cancelled;
anyone who may not see the panel is told it does not exist (``PanelNotFound``), as everywhere.
"""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession

from bot.changes.actions import Action
from bot.changes.pipeline import Change, ChangePipeline
from bot.clock import Clock
from bot.db import Database
from bot.models import Panel, Panelist
from bot.panels import access
from bot.panels.labels import focus_label
from bot.panels.rounds import EarlierQuestion, earlier_rounds
from bot.panels.service import NotAllowed, PanelClosed, PanelNotFound
from bot.prep.service import refuse_prep_closed
from bot.questions.matcher import Matcher, default_matcher
from bot.questions.overlap import Coverage, Overlap, SeatPlan, coverage, find_overlaps


@dataclass(frozen=True)
class Plan:
    """One panelist's plan with what it repeats: what the planning modal shows."""

    panel_id: int
    reference: str
    candidate_name: str
    role_title: str
    round_number: int
    planner_id: str
    focus: str
    questions: tuple[str, ...]
    earlier: tuple[EarlierQuestion, ...]
    overlaps: tuple[Overlap, ...]
    planned_at: datetime | None


class QuestionPlanner:
    """``matcher`` decides what repeats (``bot.questions.matcher.matcher_for(settings)``;
    by default the best one installed)."""

    def __init__(
        self,
        db: Database,
        clock: Clock,
        pipeline: ChangePipeline,
        matcher: Matcher | None = None,
    ) -> None:
        self.db = db
        self.clock = clock
        self.pipeline = pipeline
        self.matcher = matcher or default_matcher()

    async def plan_for(self, user_id: str, panel_id: int) -> Plan:
        """The person's current plan, checked; raises if they may not plan for this panel."""
        async with self.db.session() as session:
            panel = await session.get(Panel, panel_id)
            seat = _seat(panel, user_id, panel_id)
            assert panel is not None
            refuse_prep_closed(panel, self.clock.now())
            return await _plan(session, panel, seat, self.matcher)

    async def save(self, user_id: str, panel_id: int, questions: Sequence[str]) -> Plan:
        """Store the plan (re-checking who may), record it and return it with its overlaps."""
        async with self.pipeline.change(panel_id, action=Action.QUESTIONS_PLANNED) as tx:
            panel = await tx.session.get(Panel, panel_id, with_for_update=True)
            seat = _seat(panel, user_id, panel_id)
            assert panel is not None
            refuse_prep_closed(panel, tx.now)
            seat.planned_questions = list(questions)
            seat.questions_planned_at = tx.now
            plan = await _plan(tx.session, panel, seat, self.matcher)
            detail = {"questions": len(questions), "overlaps": len(plan.overlaps)}
            await tx.record(panel, Change(Action.QUESTIONS_PLANNED, user_id, detail))
        return plan

    async def coverage(self, panel: Panel) -> Coverage:
        """Each focus area's plans and the repeats left, for people who may see ``panel``."""
        async with self.db.session() as session:
            earlier = await earlier_rounds(session, panel)
        seats = [
            SeatPlan(
                p.user_id, focus_label(p.focus_area, p.focus_detail), tuple(p.planned_questions)
            )
            for p in _attending(panel)
        ]
        await _prepared(self.matcher, [q.text for q in earlier.questions], *seats)
        return coverage(seats, earlier.questions, matcher=self.matcher)


async def _prepared(matcher: Matcher, *groups: Sequence[str] | SeatPlan) -> None:
    """Per-question work (the semantic matcher's embeddings of questions it has not seen)
    off the event loop; the check itself then only compares."""
    texts = [q for g in groups for q in (g.questions if isinstance(g, SeatPlan) else g)]
    if texts:  # a panel with nothing planned yet (most of them) skips the thread hop
        await asyncio.to_thread(matcher.prepare, texts)


def _attending(panel: Panel) -> list[Panelist]:
    return [p for p in panel.panelists if p.declined_at is None]


def _seat(panel: Panel | None, user_id: str, panel_id: int) -> Panelist:
    if panel is None or not access.can_view(panel, user_id):
        raise PanelNotFound(panel_id)
    seat = next((p for p in panel.panelists if p.user_id == user_id), None)
    if seat is None:
        raise NotAllowed(
            f"Only {panel.reference}'s panelists plan questions for it; `/panel status"
            f" {panel.reference}` shows what they have planned."
        )
    if panel.is_cancelled:
        raise PanelClosed(f"{panel.reference} is cancelled, so there is nothing to plan.")
    if seat.declined_at is not None:
        raise NotAllowed(
            f"You told us you can't attend {panel.reference}, so there is nothing to plan."
            " If that changed, ask the coordinator to add you back."
        )
    return seat


async def _plan(session: AsyncSession, panel: Panel, seat: Panelist, matcher: Matcher) -> Plan:
    earlier = await earlier_rounds(session, panel)
    others = {
        p.user_id: list(p.planned_questions)
        for p in _attending(panel)
        if p.user_id != seat.user_id and p.planned_questions
    }
    mine = tuple(seat.planned_questions)
    await _prepared(matcher, mine, [q.text for q in earlier.questions], *others.values())
    return Plan(
        panel_id=panel.id,
        reference=panel.reference,
        candidate_name=panel.candidate.name,
        role_title=panel.role.title,
        round_number=panel.round_number,
        planner_id=seat.user_id,
        focus=focus_label(seat.focus_area, seat.focus_detail),
        questions=mine,
        earlier=earlier.questions,
        overlaps=tuple(find_overlaps(mine, earlier.questions, others, matcher=matcher)),
        planned_at=seat.questions_planned_at,
    )
