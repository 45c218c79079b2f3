"""Planners: when each time-based nudge falls due, and who hears of each event. Pure
functions of a panel's snapshot; :mod:`scheduling.kinds` names which kind each one plans."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from datetime import UTC, datetime, timedelta

from bot.followup.progress import PanelProgress, Stage
from scheduling.business_time import add_duration, days_elapsed, within_working_hours, zone
from scheduling.nudges import (
    CANCELLED,
    NudgeKind,
    PanelistSnapshot,
    PanelSnapshot,
    PlanContext,
    PlannedNudge,
    day_key,
    time_key,
)

Planner = Callable[[PlanContext], Iterable[PlannedNudge]]
#: Who is told of an event about a panel.
Recipients = Callable[[PanelSnapshot], Iterable[str]]


def _before_start(ctx: PlanContext) -> bool:
    return ctx.panel.status != CANCELLED and ctx.now < ctx.panel.starts_at


def _escalation_raw(ctx: PlanContext) -> datetime:
    """``HIREBOT_PREP_ESCALATION_LEAD`` before the start, in the coordinator's business time."""
    panel, s = ctx.panel, ctx.settings
    tz = ctx.zone_of(panel.coordinator_id)
    return add_duration(panel.starts_at, -s.prep_escalation_lead, tz, business=s.business_time)


def _escalation_due(ctx: PlanContext, as_of: datetime | None = None) -> datetime:
    """When the coordinator hears who is unprepared (the prep reminder must land before):
    not before ``as_of`` (default now), not after the start."""
    return min(max(_escalation_raw(ctx), as_of or ctx.now), ctx.panel.starts_at)


#: No prep reminder within this long after a panelist's packet: on short notice the packet is
#: the reminder, and a second ping minutes later is noise.
PREP_REMINDER_QUIET = timedelta(hours=4)


def _prep_reminder_due(
    ctx: PlanContext, panelist: PanelistSnapshot
) -> tuple[datetime, bool] | None:
    """(when, urgent) of a panelist's prep reminder as planned when they took their seat, or
    None when there was no room for one.

    Planned as of the seat's ``joined_at`` (when their packet went), not as of now, so the
    reminder's day (its key) never shifts as time passes: one sent is never planned again.
    Never within ``PREP_REMINDER_QUIET`` of the packet, and never after the coordinator's
    escalation (a reminder then, or after the start, is useless): when those two leave no
    room the packet stands alone. Held for the panelist's working hours unless that would push
    it past the escalation: then it goes at its own time (urgent).
    """
    panel, s = ctx.panel, ctx.settings
    tz = ctx.zone_of(panelist.user_id)
    anchor = panelist.joined_at or ctx.now
    due = add_duration(panel.starts_at, -s.prep_reminder_lead, tz, business=s.business_time)
    due = max(due, anchor)  # short notice: remind as soon as allowed
    if panelist.joined_at is not None:
        due = max(due, panelist.joined_at + PREP_REMINDER_QUIET)
    escalation = _escalation_due(ctx, anchor)
    if due > escalation:
        return None
    held = within_working_hours(due, tz, s.working_hours, business=s.business_time)
    if held > escalation:
        return due, True
    return held, False


def plan_prep_reminders(ctx: PlanContext) -> Iterator[PlannedNudge]:
    """Each attending panelist who has not confirmed their prep is reminded before the start
    (at once, if that time has passed: the dispatcher was down, or the panel moved closer)."""
    if not _before_start(ctx):
        return
    for panelist in ctx.panel.unprepared:
        when = _prep_reminder_due(ctx, panelist)
        if when is None:
            continue
        planned, urgent = when
        yield PlannedNudge(
            kind=NudgeKind.PREP_REMINDER,
            panel_id=ctx.panel.panel_id,
            subject_id=panelist.user_id,
            recipient_id=panelist.user_id,
            due_at=max(planned, ctx.now),
            urgent=urgent,
            dedupe_key=day_key(
                NudgeKind.PREP_REMINDER,
                ctx.panel,
                planned,
                ctx.zone_of(panelist.user_id),
                panelist.user_id,
            ),
        )


def plan_prep_escalation(ctx: PlanContext) -> Iterator[PlannedNudge]:
    """The coordinator is told, in time to act, if anyone attending is still unprepared.

    Urgent: it is about a panel that is about to start, so it is never held for working hours.
    Who exactly is unprepared is decided when it is sent (the dispatcher's guard), so the key
    does not change as panelists confirm; it names the day it is meant for, not now's.
    """
    if not _before_start(ctx) or not ctx.panel.unprepared:
        return
    meant_for = min(_escalation_raw(ctx), ctx.panel.starts_at)
    yield PlannedNudge(
        kind=NudgeKind.PREP_ESCALATION,
        panel_id=ctx.panel.panel_id,
        subject_id=None,
        recipient_id=ctx.panel.coordinator_id,
        due_at=_escalation_due(ctx),
        urgent=True,
        dedupe_key=day_key(
            NudgeKind.PREP_ESCALATION,
            ctx.panel,
            meant_for,
            ctx.zone_of(ctx.panel.coordinator_id),
        ),
    )


def plan_packets_closed(ctx: PlanContext) -> Iterator[PlannedNudge]:
    """At the start every attending panelist's packet is updated in place without its prep
    buttons: from then on confirming, declining or planning is refused, so no button offers it.
    (Whether a packet was posted at all is the guard's to check at send time.)"""
    if ctx.panel.status == CANCELLED:
        return
    for panelist in ctx.panel.attending:
        yield PlannedNudge(
            kind=NudgeKind.PACKET_CLOSED,
            panel_id=ctx.panel.panel_id,
            subject_id=panelist.user_id,
            recipient_id=panelist.user_id,
            due_at=ctx.panel.starts_at,
            urgent=True,
            dedupe_key=time_key(NudgeKind.PACKET_CLOSED, ctx.panel, panelist.user_id),
        )


# --- after the panel: feedback, decision, candidate updates ----------------------------

DAY = timedelta(days=1)
#: How many daily candidate-update nudges still to come are planned at once. Each one sent or
#: skipped re-plans the panel (its record ``renews``), which adds the one after, so the series lasts as
#: long as the candidate waits; every change re-plans it from that day on.
OVERDUE_SERIES = 2
#: The coordinator hears of a stalled candidate this many (business) days after the SLA.
UPDATE_ESCALATION_AFTER = timedelta(days=2)


def _tag(moment: datetime) -> str:
    return f"{moment.astimezone(UTC):%Y%m%dT%H%M%SZ}"


def _after_panel(ctx: PlanContext) -> PanelProgress | None:
    """The panel's follow-up state, when there is one to plan for (not cancelled)."""
    progress = ctx.panel.followup
    if progress is None or ctx.panel.status == CANCELLED or progress.cancelled:
        return None
    return progress


def _undecided(progress: PanelProgress) -> bool:
    return progress.decision is None or not progress.decision.final


def _held(ctx: PlanContext, due: datetime, user_id: str) -> datetime:
    """Not before now, and inside the recipient's working hours (non-urgent nudges)."""
    s = ctx.settings
    return within_working_hours(
        max(due, ctx.now), ctx.zone_of(user_id), s.working_hours, business=s.business_time
    )


def _after(ctx: PlanContext, start: datetime, delta: timedelta, user_id: str) -> datetime:
    s = ctx.settings
    return add_duration(start, delta, ctx.zone_of(user_id), business=s.business_time)


def _nudge(
    ctx: PlanContext,
    kind: NudgeKind,
    recipient: str,
    due: datetime,
    *,
    urgent: bool = False,
    subject: str | None = None,
    key_tail: str | None = None,
) -> PlannedNudge:
    return PlannedNudge(
        kind=kind,
        panel_id=ctx.panel.panel_id,
        subject_id=subject,
        recipient_id=recipient,
        due_at=due,
        urgent=urgent,
        dedupe_key=time_key(kind, ctx.panel, key_tail or subject),
    )


def plan_feedback_requests(ctx: PlanContext) -> Iterator[PlannedNudge]:
    """At the panel's end, each panelist who owes feedback is asked for it (urgent: it is the
    moment the interview is fresh, whatever the hour)."""
    progress = _after_panel(ctx)
    if progress is None or not _undecided(progress):
        return
    for user_id in progress.feedback_owed:
        due = max(progress.ends_at, ctx.now)
        yield _nudge(ctx, NudgeKind.FEEDBACK_REQUEST, user_id, due, urgent=True, subject=user_id)


def plan_feedback_reminders(ctx: PlanContext) -> Iterator[PlannedNudge]:
    """``HIREBOT_FEEDBACK_REMINDER_AFTER`` the end, in their working hours, to those still owing."""
    progress = _after_panel(ctx)
    if progress is None or not _undecided(progress):
        return
    for user_id in progress.feedback_owed:
        due = _after(ctx, progress.ends_at, ctx.settings.feedback_reminder_after, user_id)
        yield _nudge(
            ctx, NudgeKind.FEEDBACK_REMINDER, user_id, _held(ctx, due, user_id), subject=user_id
        )


def plan_feedback_escalation(ctx: PlanContext) -> Iterator[PlannedNudge]:
    """``HIREBOT_FEEDBACK_ESCALATION_AFTER`` the end the hiring manager hears whose feedback is
    missing (who exactly is decided at send time, so the key does not change as it arrives)."""
    progress = _after_panel(ctx)
    if progress is None or not _undecided(progress) or not progress.feedback_owed:
        return
    manager = progress.hiring_manager_id
    due = _after(ctx, progress.ends_at, ctx.settings.feedback_escalation_after, manager)
    yield _nudge(ctx, NudgeKind.FEEDBACK_ESCALATION, manager, _held(ctx, due, manager))


def _decision_basis(progress: PanelProgress) -> tuple[datetime, str | None] | None:
    """When the decision clock started (all feedback in, or the latest hold) and its key tail."""
    complete = progress.feedback_complete_at
    if complete is None or not _undecided(progress):
        return None
    if progress.decision is not None and progress.decision.decided_at >= complete:
        return progress.decision.decided_at, f"h{_tag(progress.decision.decided_at)}"
    return complete, None


def plan_decision_request(ctx: PlanContext) -> Iterator[PlannedNudge]:
    """Once all feedback is in (or excused), the hiring manager is asked to decide."""
    progress = _after_panel(ctx)
    if progress is None or _decision_basis(progress) is None:
        return
    complete = progress.feedback_complete_at
    assert complete is not None
    manager = progress.hiring_manager_id
    yield _nudge(ctx, NudgeKind.DECISION_REQUEST, manager, _held(ctx, complete, manager))


def plan_decision_reminder(ctx: PlanContext) -> Iterator[PlannedNudge]:
    """``HIREBOT_DECISION_SLA`` after all feedback is in (or after a hold), no final decision."""
    progress = _after_panel(ctx)
    basis = _decision_basis(progress) if progress is not None else None
    if progress is None or basis is None:
        return
    start, tail = basis
    manager = progress.hiring_manager_id
    due = _after(ctx, start, ctx.settings.decision_sla, manager)
    yield _nudge(ctx, NudgeKind.DECISION_REMINDER, manager, _held(ctx, due, manager), key_tail=tail)


def plan_candidate_update_request(ctx: PlanContext) -> Iterator[PlannedNudge]:
    """After each decision (a hold too), the recruiter is asked to tell the candidate."""
    progress = _after_panel(ctx)
    if progress is None or progress.decision is None:
        return
    decided = progress.decision.decided_at
    if progress.last_update_at is not None and progress.last_update_at >= decided:
        return
    recruiter = progress.recruiter_id
    yield _nudge(
        ctx,
        NudgeKind.CANDIDATE_UPDATE_REQUEST,
        recruiter,
        _held(ctx, decided, recruiter),
        key_tail=f"d{_tag(decided)}",
    )


def _clock_running(progress: PanelProgress, now: datetime) -> bool:
    """The candidate is, or will be once the panel ends, owed news."""
    return progress.stage(now) in (
        Stage.UPCOMING,
        Stage.FEEDBACK,
        Stage.DECISION,
        Stage.CANDIDATE_UPDATE,
    )


def plan_candidate_update_overdue(ctx: PlanContext) -> Iterator[PlannedNudge]:
    """Past ``HIREBOT_CANDIDATE_UPDATE_SLA`` with no update: the recruiter and the hiring manager,
    once a (business) day each. Planned: the next ``OVERDUE_SERIES`` occurrences still to come,
    and today's if it fell due earlier today (today in the recipient's zone: one not sent yet
    still goes, at once). What is planned changes only as an occurrence falls due, which is
    when the dispatcher sends it and re-plans (its record ``renews``).

    Each occurrence is timed in the recipient's working hours first and keyed by the local day
    it then falls on, so two occurrences held onto one day are one, and a day is nudged once;
    the key also names the clock's start, so an update starts a fresh series."""
    progress = _after_panel(ctx)
    if progress is None or not _clock_running(progress, ctx.now):
        return
    s = ctx.settings
    clock = f"c{_tag(progress.clock_started_at)}"
    for user_id in dict.fromkeys((progress.recruiter_id, progress.hiring_manager_id)):
        tz = ctx.zone_of(user_id)
        first = progress.update_due_at(s, tz)
        day = max(0, days_elapsed(first, ctx.now, tz, business=s.business_time) - 1)
        today = ctx.now.astimezone(zone(tz)).date().isoformat()
        days: list[str] = []
        ahead = 0
        while ahead < OVERDUE_SERIES:
            raw = add_duration(first, DAY * day, tz, business=s.business_time)
            due = within_working_hours(raw, tz, s.working_hours, business=s.business_time)
            local_day = due.astimezone(zone(tz)).date().isoformat()
            day += 1
            if local_day in days or (due <= ctx.now and local_day != today):
                continue
            days.append(local_day)
            ahead += due > ctx.now
            yield _nudge(
                ctx,
                NudgeKind.CANDIDATE_UPDATE_OVERDUE,
                user_id,
                max(due, ctx.now),
                key_tail=f"{clock}:{local_day}:{user_id}",
            )


def plan_candidate_update_escalation(ctx: PlanContext) -> Iterator[PlannedNudge]:
    """Two more business days past the SLA, the coordinator is told the candidate is stalled."""
    progress = _after_panel(ctx)
    if progress is None or not _clock_running(progress, ctx.now):
        return
    coordinator = ctx.panel.coordinator_id
    tz = ctx.zone_of(coordinator)
    first = progress.update_due_at(ctx.settings, tz)
    due = _after(ctx, first, UPDATE_ESCALATION_AFTER, coordinator)
    yield _nudge(
        ctx,
        NudgeKind.CANDIDATE_UPDATE_ESCALATION,
        coordinator,
        _held(ctx, due, coordinator),
        key_tail=f"c{_tag(progress.clock_started_at)}",
    )


# --- who hears of an event ---------------------------------------------------------------


def _all_panelists(panel: PanelSnapshot) -> Iterable[str]:
    """Everyone, declined too: someone who could not make the old time may make the new one."""
    return (p.user_id for p in panel.panelists)


def _attending_panelists(panel: PanelSnapshot) -> Iterable[str]:
    """Those who declined are not coming anyway; telling them of a cancellation is noise."""
    return (p.user_id for p in panel.attending)


def _owners(panel: PanelSnapshot) -> Iterable[str]:
    """The hiring manager and the recruiter: the recruiter tells the candidate of every move."""
    return (u for u in (panel.hiring_manager_id, panel.recruiter_id) if u)


def coordinator_only(panel: PanelSnapshot) -> Iterable[str]:
    return (panel.coordinator_id,)


def rescheduled_recipients(panel: PanelSnapshot) -> Iterable[str]:
    return (*_all_panelists(panel), *_owners(panel))


def cancelled_recipients(panel: PanelSnapshot) -> Iterable[str]:
    return (*_attending_panelists(panel), *_owners(panel))
