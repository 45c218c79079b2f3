"""Build :class:`~bot.followup.progress.PanelProgress` from the database, many panels at once,
and stored feedback as the core data adapters show (:func:`feedback_line`) and edit
(:func:`feedback_input`).

Three batched queries whatever the number of panels (feedback times, latest decisions, latest
candidate updates), so App Home and ``/panel stalled`` stay fast for people on many panels.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import ColumnElement, and_, bindparam, func, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import aliased

from bot.followup.forms import FeedbackInput
from bot.followup.notices import FeedbackLine
from bot.followup.progress import DecisionState, PanelProgress, SeatProgress
from bot.models import (
    Candidate,
    CandidateUpdate,
    Decision,
    Feedback,
    Panel,
    Panelist,
    PanelStatus,
    Role,
)


async def load_progress(session: AsyncSession, panels: Sequence[Panel]) -> dict[int, PanelProgress]:
    """Each panel's progress by panel id (panelists must be loaded, as they are by default)."""
    ids = [p.id for p in panels]
    if not ids:
        return {}
    # Grouped by panel as read, so building each panel's progress is linear, not panels x rows.
    feedback: dict[int, dict[str, datetime]] = {}
    for row in await session.execute(
        select(Feedback.panel_id, Feedback.author_id, Feedback.submitted_at).where(
            Feedback.panel_id.in_(ids)
        )
    ):
        feedback.setdefault(row.panel_id, {})[row.author_id] = row.submitted_at
    latest_decision = (
        select(Decision.panel_id, func.max(Decision.id).label("id"))
        .where(Decision.panel_id.in_(ids))
        .group_by(Decision.panel_id)
        .subquery()
    )
    decisions = {
        d.panel_id: DecisionState(d.outcome, d.reason, d.decided_by, d.decided_at)
        for d in await session.scalars(
            select(Decision).join(latest_decision, Decision.id == latest_decision.c.id)
        )
    }
    updates = dict(
        (
            await session.execute(
                select(CandidateUpdate.panel_id, func.max(CandidateUpdate.at))
                .where(CandidateUpdate.panel_id.in_(ids))
                .group_by(CandidateUpdate.panel_id)
            )
        ).all()
    )
    return {
        panel.id: progress_of(
            panel,
            feedback.get(panel.id, {}),
            decisions.get(panel.id),
            updates.get(panel.id),
        )
        for panel in panels
    }


def progress_of(
    panel: Panel,
    feedback_at: Mapping[str, datetime],
    decision: DecisionState | None,
    last_update_at: datetime | None,
) -> PanelProgress:
    return PanelProgress(
        panel_id=panel.id,
        reference=panel.reference,
        candidate_name=panel.candidate.name,
        role_title=panel.role.title,
        cancelled=panel.is_cancelled,
        ends_at=panel.ends_at,
        coordinator_id=panel.coordinator_id,
        hiring_manager_id=panel.hiring_manager_id,
        recruiter_id=panel.recruiter_id,
        seats=tuple(
            SeatProgress(
                user_id=p.user_id,
                declined=p.declined_at is not None,
                excused=p.excused_at is not None,
                feedback_at=feedback_at.get(p.user_id),
            )
            for p in panel.panelists
        ),
        decision=decision,
        last_update_at=last_update_at,
    )


class ProgressQuery:
    """The two statements :func:`progress_where` runs for one kind of ``condition``, built
    once: a condition written with ``bindparam``\\ s takes its values at each call, so a
    request pays neither for building the statements nor for their cache keys.

    The panels with their candidate, role, latest decision and latest candidate update in one
    statement; their seats with each seat's own feedback time in the other.
    """

    def __init__(self, condition: ColumnElement[bool]) -> None:
        later = aliased(Decision)
        latest_decision = (
            select(func.max(later.id)).where(later.panel_id == Panel.id).scalar_subquery()
        )
        last_update = (
            select(func.max(CandidateUpdate.at))
            .where(CandidateUpdate.panel_id == Panel.id)
            .scalar_subquery()
        )
        self.panels = (
            select(
                Panel.id,
                Panel.status,
                Panel.starts_at,
                Panel.duration_minutes,
                Panel.coordinator_id,
                Panel.hiring_manager_id,
                Panel.recruiter_id,
                Candidate.name,
                Role.title,
                Decision.outcome,
                Decision.reason,
                Decision.decided_by,
                Decision.decided_at,
                last_update.label("last_update_at"),
            )
            .join(Candidate, Panel.candidate_id == Candidate.id)
            .join(Role, Panel.role_id == Role.id)
            .outerjoin(Decision, Decision.id == latest_decision)
            .where(condition)
        )
        seat = aliased(Panelist)  # ``condition`` may name Panelist in a subquery of its own
        self.seats = (
            select(
                seat.panel_id,
                seat.user_id,
                seat.declined_at,
                seat.excused_at,
                Feedback.submitted_at,
            )
            .outerjoin(
                Feedback,
                and_(Feedback.panel_id == seat.panel_id, Feedback.author_id == seat.user_id),
            )
            .where(seat.panel_id.in_(select(Panel.id).where(condition)))
            .order_by(seat.panel_id, seat.position)
        )


#: One panel's progress (``panel_id``).
ONE_PANEL = ProgressQuery(Panel.id == bindparam("panel_id"))


async def progress_where(
    session: AsyncSession, query: ProgressQuery, **params: Any
) -> dict[int, PanelProgress]:
    """The progress of every panel ``query`` matches with ``params``, read as plain rows (no
    ORM objects): two statements whatever the number of panels. The same facts
    :func:`load_progress` reads, for answers that only need progress (``/panel stalled``,
    ``/panel status``)."""
    panels = (await session.execute(query.panels, params)).all()
    if not panels:
        return {}
    seats: dict[int, list[SeatProgress]] = {}
    for row in await session.execute(query.seats, params):
        seats.setdefault(row.panel_id, []).append(
            SeatProgress(
                user_id=row.user_id,
                declined=row.declined_at is not None,
                excused=row.excused_at is not None,
                feedback_at=row.submitted_at,
            )
        )
    return {row.id: _progress_of_row(row, tuple(seats.get(row.id, ()))) for row in panels}


def _progress_of_row(row: Any, seats: tuple[SeatProgress, ...]) -> PanelProgress:
    decision = (
        DecisionState(row.outcome, row.reason, row.decided_by, row.decided_at)
        if row.outcome is not None
        else None
    )
    return PanelProgress(
        panel_id=row.id,
        reference=f"P-{row.id}",
        candidate_name=row.name,
        role_title=row.title,
        cancelled=row.status == PanelStatus.CANCELLED,
        ends_at=row.starts_at + timedelta(minutes=row.duration_minutes),
        coordinator_id=row.coordinator_id,
        hiring_manager_id=row.hiring_manager_id,
        recruiter_id=row.recruiter_id,
        seats=seats,
        decision=decision,
        last_update_at=row.last_update_at,
    )


def feedback_line(feedback: Feedback, seat: Panelist | None) -> FeedbackLine:
    """One panelist's feedback as every surface shows it, with the focus of their seat (none
    for an author no longer on the panel)."""
    return FeedbackLine(
        feedback.author_id,
        seat.focus_area if seat is not None else "",
        seat.focus_detail if seat is not None else "",
        feedback.recommendation,
        feedback.rating,
        feedback.evidence,
        feedback.concerns,
    )


def feedback_input(feedback: Feedback) -> FeedbackInput:
    """Stored feedback as the answers of the form that gave it."""
    return FeedbackInput(
        feedback.recommendation,
        feedback.rating,
        feedback.evidence,
        feedback.concerns,
        tuple(feedback.questions_asked or ()),
    )
