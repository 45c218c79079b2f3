"""Build :class:`~bot.followup.progress.PanelProgress` from the database, many panels at once,
and stored feedback as the core data adapters show (:func:`feedback_line`) and edit
(:func:`feedback_input`).

Three batched queries whatever the number of panels (feedback times, latest decisions, latest
candidate updates), so App Home and ``/panel stalled`` stay fast for people on many panels.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.followup.forms import FeedbackInput
from bot.followup.notices import FeedbackLine
from bot.followup.progress import DecisionState, PanelProgress, SeatProgress
from bot.models import CandidateUpdate, Decision, Feedback, Panel, Panelist


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
