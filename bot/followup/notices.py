"""What the bot tells people after a panel, as plain data, and how each nudge builds its notice.

The notices are platform-neutral (``bot.slack.followup_messages`` renders them for Slack). Each
is composed when its nudge is sent, from the panel as it is then: the decision summary shows
the feedback in at that moment, and a stalled-candidate nudge names what blocks right now.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.config import Settings
from bot.followup.loading import load_progress
from bot.followup.progress import Blocker, BlockerKind, PanelProgress, Stage
from bot.models import Feedback, Nudge, Panel
from bot.platform import PanelBrief
from scheduling.business_time import days_elapsed

DEFAULT_ZONE = "UTC"


@dataclass(frozen=True)
class FeedbackAsk:
    """To a panelist at the panel's end (``reminder``: again, a day later): your feedback."""

    brief: PanelBrief
    focus_area: str
    focus_detail: str
    reminder: bool = False
    #: Where the panelist writes their scorecard when the ATS keeps it and has no API to
    #: write it (Greenhouse): the ask links there instead of HireBot's form.
    scorecard: tuple[str, str] | None = None  # (ATS name, URL)


@dataclass(frozen=True)
class MissingFeedback:
    user_id: str
    days_overdue: int


@dataclass(frozen=True)
class FeedbackEscalation:
    """To the hiring manager: whose feedback is missing, with a way to excuse each."""

    brief: PanelBrief
    missing: tuple[MissingFeedback, ...]


@dataclass(frozen=True)
class FeedbackLine:
    """One panelist's feedback as the decision summary shows it."""

    author_id: str
    focus_area: str
    focus_detail: str
    recommendation: str
    rating: int
    evidence: str
    concerns: str


@dataclass(frozen=True)
class DecisionAsk:
    """To the hiring manager: everyone's recommendation, focus and evidence, and the buttons."""

    brief: PanelBrief
    lines: tuple[FeedbackLine, ...]
    excused: tuple[str, ...]
    missing: tuple[str, ...]
    reminder: bool = False
    days_waiting: int = 0
    on_hold: str = ""  # the reason of a hold, if the latest decision is one


@dataclass(frozen=True)
class CandidateUpdateAsk:
    """To the recruiter after a decision: tell the candidate, then say so."""

    brief: PanelBrief
    outcome: str
    reason: str
    decided_by: str
    holding_message: str = ""  # for a hold: a draft telling the candidate it takes longer


@dataclass(frozen=True)
class CandidateWaiting:
    """The candidate has not heard from us within the SLA: to the recruiter and hiring manager
    (daily), then to the coordinator (``escalation``). Names each blocker and its owner."""

    brief: PanelBrief
    recruiter_id: str
    hiring_manager_id: str
    since: datetime  # when the candidate-update clock started
    days_overdue: int  # business days past the SLA, in the reader's zone
    blockers: tuple[Blocker, ...]
    holding_message: str  # a draft for the candidate while the decision is pending; "" if decided
    escalation: bool = False


@dataclass(frozen=True)
class SendContext:
    """What a follow-up notice may read at send time, besides the panel."""

    session: AsyncSession
    settings: Settings
    now: datetime
    brief: PanelBrief


Composer = Callable[[Nudge, Panel, SendContext], Awaitable[object]]


def _tz(nudge: Nudge) -> str:
    return str(nudge.payload.get("tz") or DEFAULT_ZONE)


async def _progress(ctx: SendContext, panel: Panel) -> PanelProgress:
    return (await load_progress(ctx.session, [panel]))[panel.id]


async def _feedback_ask(nudge: Nudge, panel: Panel, ctx: SendContext) -> FeedbackAsk:
    seat = next(p for p in panel.panelists if p.user_id == nudge.subject_id)
    from bot.ats.store import scorecard_elsewhere  # the ATS side is optional

    return FeedbackAsk(
        ctx.brief,
        seat.focus_area,
        seat.focus_detail,
        reminder=nudge.kind == "feedback_reminder",
        scorecard=await scorecard_elsewhere(ctx.session, panel.id),
    )


async def _feedback_escalation(nudge: Nudge, panel: Panel, ctx: SendContext) -> FeedbackEscalation:
    progress = await _progress(ctx, panel)
    blockers = progress.blockers(ctx.now, ctx.settings, _tz(nudge))
    missing = tuple(
        MissingFeedback(b.owner_id, b.days_overdue)
        for b in blockers
        if b.kind is BlockerKind.FEEDBACK
    )
    return FeedbackEscalation(ctx.brief, missing)


async def feedback_lines(session: AsyncSession, panel: Panel) -> tuple[FeedbackLine, ...]:
    rows = {
        f.author_id: f
        for f in await session.scalars(select(Feedback).where(Feedback.panel_id == panel.id))
    }
    lines = []
    for seat in panel.panelists:
        f = rows.get(seat.user_id)
        if f is not None:
            lines.append(
                FeedbackLine(
                    seat.user_id,
                    seat.focus_area,
                    seat.focus_detail,
                    f.recommendation,
                    f.rating,
                    f.evidence,
                    f.concerns,
                )
            )
    return tuple(lines)


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


async def _decision(nudge: Nudge, panel: Panel, ctx: SendContext) -> DecisionAsk:
    progress = await _progress(ctx, panel)
    return await decision_ask(
        ctx.session,
        panel,
        ctx.brief,
        progress,
        now=ctx.now,
        reminder=nudge.kind == "decision_reminder",
    )


async def _update_ask(_nudge: Nudge, panel: Panel, ctx: SendContext) -> CandidateUpdateAsk:
    progress = await _progress(ctx, panel)
    decision = progress.decision
    assert decision is not None  # the guard skips it otherwise
    draft = "" if decision.final else holding_message(panel.candidate.name, panel.role.title)
    return CandidateUpdateAsk(
        ctx.brief, decision.outcome, decision.reason, decision.decided_by, draft
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


async def _waiting(nudge: Nudge, panel: Panel, ctx: SendContext) -> CandidateWaiting:
    return await candidate_waiting(
        await _progress(ctx, panel),
        ctx.brief,
        now=ctx.now,
        settings=ctx.settings,
        tz=_tz(nudge),
        escalation=nudge.kind == "candidate_update_escalation",
    )


#: Each follow-up kind's composer (``scheduling.notices`` dispatches to these).
COMPOSERS: Mapping[str, Composer] = {
    "feedback_request": _feedback_ask,
    "feedback_reminder": _feedback_ask,
    "feedback_escalation": _feedback_escalation,
    "decision_request": _decision,
    "decision_reminder": _decision,
    "candidate_update_request": _update_ask,
    "candidate_update_overdue": _waiting,
    "candidate_update_escalation": _waiting,
}
