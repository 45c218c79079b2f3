"""What the follow-up nudges say, composed when each is sent from the panel as it is then: the
decision summary shows the feedback in at that moment, and a stalled-candidate nudge names what
blocks right now. Every composer has the one signature of :mod:`scheduling.composers`."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.config import Settings
from bot.followup.loading import feedback_line, load_progress
from bot.followup.notices import (
    CandidateUpdateAsk,
    CandidateWaiting,
    DecisionAsk,
    FeedbackAsk,
    FeedbackEscalation,
    FeedbackLine,
    MissingFeedback,
)
from bot.followup.progress import BlockerKind, PanelProgress, Stage
from bot.models import Feedback, Nudge, Panel
from bot.panels.notices import PanelBrief
from bot.panels.summary import brief
from scheduling.business_time import days_elapsed
from scheduling.composers import ComposeContext
from scheduling.nudges import NudgeKind

DEFAULT_ZONE = "UTC"


def _tz(nudge: Nudge) -> str:
    return str(nudge.payload.get("tz") or DEFAULT_ZONE)


async def _progress(ctx: ComposeContext, panel: Panel) -> PanelProgress:
    return (await load_progress(ctx.db, [panel]))[panel.id]


async def feedback_ask(nudge: Nudge, panel: Panel, ctx: ComposeContext) -> FeedbackAsk:
    seat = next(p for p in panel.panelists if p.user_id == nudge.subject_id)
    from bot.ats.store import scorecard_elsewhere  # the ATS side is optional

    return FeedbackAsk(
        brief(panel),
        seat.focus_area,
        seat.focus_detail,
        reminder=nudge.kind == NudgeKind.FEEDBACK_REMINDER,
        scorecard=await scorecard_elsewhere(ctx.db, panel.id),
    )


async def feedback_escalation(
    nudge: Nudge, panel: Panel, ctx: ComposeContext
) -> FeedbackEscalation:
    progress = await _progress(ctx, panel)
    blockers = progress.blockers(ctx.now, ctx.settings, _tz(nudge))
    missing = tuple(
        MissingFeedback(b.owner_id, b.days_overdue)
        for b in blockers
        if b.kind is BlockerKind.FEEDBACK
    )
    return FeedbackEscalation(brief(panel), missing)


async def feedback_lines(session: AsyncSession, panel: Panel) -> tuple[FeedbackLine, ...]:
    rows = {
        f.author_id: f
        for f in await session.scalars(select(Feedback).where(Feedback.panel_id == panel.id))
    }
    return tuple(
        feedback_line(rows[seat.user_id], seat) for seat in panel.panelists if seat.user_id in rows
    )


async def decision_ask(
    session: AsyncSession,
    panel: Panel,
    brief: PanelBrief,
    progress: PanelProgress,
    *,
    now: datetime,
    reminder: bool = False,
) -> DecisionAsk:
    held = progress.decision if progress.decision and not progress.decision.final else None
    complete = progress.feedback_complete_at
    waiting = (now - complete).days if complete and now > complete else 0
    return DecisionAsk(
        brief,
        await feedback_lines(session, panel),
        excused=tuple(s.user_id for s in progress.seats if s.excused),
        missing=progress.feedback_owed,
        reminder=reminder,
        days_waiting=waiting,
        on_hold=held.reason if held else "",
    )


async def decision(nudge: Nudge, panel: Panel, ctx: ComposeContext) -> DecisionAsk:
    progress = await _progress(ctx, panel)
    return await decision_ask(
        ctx.db,
        panel,
        brief(panel),
        progress,
        now=ctx.now,
        reminder=nudge.kind == NudgeKind.DECISION_REMINDER,
    )


async def candidate_update_ask(
    _nudge: Nudge, panel: Panel, ctx: ComposeContext
) -> CandidateUpdateAsk:
    progress = await _progress(ctx, panel)
    decision = progress.decision
    assert decision is not None  # the guard skips it otherwise
    draft = "" if decision.final else holding_message(panel.candidate.name, panel.role.title)
    return CandidateUpdateAsk(
        brief(panel), decision.outcome, decision.reason, decision.decided_by, draft
    )


def holding_message(candidate_name: str, role_title: str) -> str:
    """A short, honest note for a candidate while the team has not decided yet."""
    first = candidate_name.split()[0] if candidate_name.strip() else candidate_name
    return (
        f"Hi {first},\n\n"
        f"Thank you again for meeting the panel for the {role_title} role. I wanted to let you"
        " know where things stand: the team is still completing its review, and I don't have"
        " a decision for you yet. I expect to be back in touch within the next few business"
        " days, and I'll update you as soon as I know more.\n\n"
        "Thank you for your patience,"
    )


async def candidate_waiting(
    progress: PanelProgress,
    brief: PanelBrief,
    *,
    now: datetime,
    settings: Settings,
    tz: str,
    escalation: bool = False,
) -> CandidateWaiting:
    due = progress.update_due_at(settings, tz)
    pending = progress.stage(now) in (Stage.FEEDBACK, Stage.DECISION)
    return CandidateWaiting(
        brief,
        recruiter_id=progress.recruiter_id,
        hiring_manager_id=progress.hiring_manager_id,
        since=progress.clock_started_at,
        days_overdue=days_elapsed(due, now, tz, business=settings.business_time),
        blockers=tuple(progress.blockers(now, settings, tz)),
        holding_message=holding_message(brief.candidate_name, brief.role_title) if pending else "",
        escalation=escalation,
    )


async def waiting(nudge: Nudge, panel: Panel, ctx: ComposeContext) -> CandidateWaiting:
    return await candidate_waiting(
        await _progress(ctx, panel),
        brief(panel),
        now=ctx.now,
        settings=ctx.settings,
        tz=_tz(nudge),
        escalation=nudge.kind == NudgeKind.CANDIDATE_UPDATE_ESCALATION,
    )
