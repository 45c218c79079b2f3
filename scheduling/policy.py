"""Policy: which nudges a panel needs, and when. Pure functions of the panel's state.

The outbox stores what this module plans; whenever a panel changes, the caller re-plans and
applies :func:`diff` to the panel's pending nudges, so nudges that no longer apply are cancelled
and new ones added. Nothing is sent twice because every nudge carries a dedupe key that names
its situation (kind, panel, schedule, person), never the moment it was planned.

Dedupe keys, one format for every kind (``:``-separated, the kind first so :func:`kind_of_key`
can tell time-based nudges from one-off notices):

- prep reminders and escalations: ``<kind>:p<panel>:d<local day>[:<subject>]`` (``day_key``),
  so one is sent per person and day however often the panel moves before its start.
- other time-based: ``<kind>:p<panel>:v<version>@<start>[:<subject>]``. Both the snapshot's
  ``version`` and its start (UTC, ``20260310T140000Z``) are in the key: a reschedule to a new
  time yields fresh keys even if a caller forgot to bump the version, and a panel moved away
  and back to the same time still gets fresh keys (the old ones were cancelled in between).
- event notices: ``<kind>:p<panel>:e<event_id>:<recipient>``, so a retried request (same
  audit event) cannot double a notice.

Adding a kind (feedback, decision, candidate update) is one small planner function and one
entry in :data:`TIME_BASED_PLANNERS` or :data:`EVENT_RECIPIENTS`.
"""

from __future__ import annotations

import enum
from collections.abc import Callable, Collection, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfoNotFoundError

from bot.config import Settings
from bot.followup.progress import PanelProgress, Stage
from scheduling.business_time import (
    add_duration,
    days_elapsed,
    require_aware,
    within_working_hours,
    zone,
)

DEFAULT_ZONE = "UTC"
CANCELLED = "cancelled"  # bot.models.PanelStatus.CANCELLED, without importing the ORM


class NudgeKind(enum.StrEnum):
    PREP_REMINDER = "prep_reminder"
    PREP_ESCALATION = "prep_escalation"
    PANEL_RESCHEDULED = "panel_rescheduled"
    PANEL_CANCELLED = "panel_cancelled"
    # Prep (issue 4): the packet itself, and the coordinator's alert when a panelist declines.
    PREP_PACKET = "prep_packet"
    PANELIST_DECLINED = "panelist_declined"
    PACKET_UPDATE = "prep_packet_update"  # a packet re-rendered in place (chat.update)
    PREP_INVITE = "prep_invite"  # the .ics calendar invite (new, updated or cancelled)
    PREP_REMINDER_NOW = "prep_reminder_now"  # "Remind them now" from the coordinator's alert
    # After the panel (issue 5).
    FEEDBACK_REQUEST = "feedback_request"
    FEEDBACK_REMINDER = "feedback_reminder"
    FEEDBACK_ESCALATION = "feedback_escalation"
    DECISION_REQUEST = "decision_request"
    DECISION_REMINDER = "decision_reminder"
    CANDIDATE_UPDATE_REQUEST = "candidate_update_request"
    CANDIDATE_UPDATE_OVERDUE = "candidate_update_overdue"
    CANDIDATE_UPDATE_ESCALATION = "candidate_update_escalation"
    # The one change pipeline (issue 9): the coordinator's confirmation goes through the outbox
    # too, and at the start every packet loses its prep buttons.
    PANEL_SCHEDULED = "panel_scheduled"
    PACKET_CLOSED = "prep_packet_closed"


#: Time-based kinds that repeat for as long as their situation lasts: each time one is sent or
#: skipped the panel is re-planned, which plans the next occurrence.
RENEWING: frozenset[NudgeKind] = frozenset({NudgeKind.CANDIDATE_UPDATE_OVERDUE})


@dataclass(frozen=True)
class PanelistSnapshot:
    user_id: str
    confirmed: bool = False  # "I've reviewed the materials" (the prep-packet issue sets it)
    declined: bool = False
    joined_at: datetime | None = None  # when they took the seat, i.e. when their packet went


@dataclass(frozen=True)
class PanelSnapshot:
    """What the policy needs to know about a panel, detached from the database."""

    panel_id: int
    status: str  # "scheduled" or "cancelled"
    starts_at: datetime  # aware UTC
    duration_minutes: int
    coordinator_id: str
    panelists: tuple[PanelistSnapshot, ...]
    version: int = 0  # bumped on every reschedule; part of the dedupe keys
    # After the panel (issue 5): who decides and who tells the candidate, and where the panel
    # stands (feedback, decision, candidate updates). Without ``followup`` nothing after the
    # panel is planned.
    hiring_manager_id: str = ""
    recruiter_id: str = ""
    followup: PanelProgress | None = None

    @property
    def attending(self) -> tuple[PanelistSnapshot, ...]:
        """Panelists who have not declined: the ones still expected to prepare."""
        return tuple(p for p in self.panelists if not p.declined)

    @property
    def unprepared(self) -> tuple[PanelistSnapshot, ...]:
        return tuple(p for p in self.attending if not p.confirmed)


@dataclass(frozen=True)
class PlannedNudge:
    """One nudge to put in the outbox.

    ``due_at`` is already adjusted for business time and the recipient's working hours;
    ``urgent`` means it goes at ``due_at`` as is and must not be held back any further.
    """

    kind: NudgeKind
    panel_id: int
    subject_id: str | None  # the person it is about (the unprepared panelist), if one
    recipient_id: str
    due_at: datetime
    urgent: bool
    dedupe_key: str


@dataclass(frozen=True)
class PlanContext:
    """Everything a planner may look at; one object so planners keep one signature."""

    panel: PanelSnapshot
    settings: Settings
    tz_of: Mapping[str, str]
    now: datetime

    def zone_of(self, user_id: str) -> str:
        """The user's zone; unknown or invalid names fall back to UTC rather than fail."""
        name = self.tz_of.get(user_id) or DEFAULT_ZONE
        try:
            zone(name)
        except (ZoneInfoNotFoundError, ValueError):
            return DEFAULT_ZONE
        return name


# --- keys -------------------------------------------------------------------------------


def _schedule_tag(panel: PanelSnapshot) -> str:
    return f"v{panel.version}@{panel.starts_at.astimezone(UTC):%Y%m%dT%H%M%SZ}"


def time_key(kind: NudgeKind, panel: PanelSnapshot, subject_id: str | None = None) -> str:
    """The dedupe key of a time-based nudge: stable for one schedule, fresh after a reschedule."""
    key = f"{kind}:p{panel.panel_id}:{_schedule_tag(panel)}"
    return f"{key}:{subject_id}" if subject_id else key


def day_key(
    kind: NudgeKind, panel: PanelSnapshot, due: datetime, tz: str, subject_id: str | None = None
) -> str:
    """The key of a prep nudge: one per panel, person and local day of its due time. A
    reschedule that keeps it on the same day keeps its key (the row is re-timed, and one already
    sent is not sent again), so nobody gets two of a kind in a day however often it moves."""
    key = f"{kind}:p{panel.panel_id}:d{due.astimezone(zone(tz)).date().isoformat()}"
    return f"{key}:{subject_id}" if subject_id else key


def event_key(kind: NudgeKind, panel_id: int, event_id: str, recipient_id: str) -> str:
    """The dedupe key of a one-off notice: one per event and recipient."""
    return f"{kind}:p{panel_id}:e{event_id}:{recipient_id}"


def kind_of_key(key: str) -> NudgeKind | None:
    """The kind a dedupe key was made for, or None for a key this module did not make."""
    try:
        return NudgeKind(key.split(":", 1)[0])
    except ValueError:
        return None


# --- time-based planners ----------------------------------------------------------------


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
#: skipped re-plans the panel (``RENEWING``), which adds the one after, so the series lasts as
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
    when the dispatcher sends it and re-plans (``RENEWING``).

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


Planner = Callable[[PlanContext], Iterable[PlannedNudge]]

#: Every time-based kind and its planner. Only these kinds are ever cancelled by :func:`diff`.
TIME_BASED_PLANNERS: Mapping[NudgeKind, Planner] = {
    NudgeKind.PREP_REMINDER: plan_prep_reminders,
    NudgeKind.PREP_ESCALATION: plan_prep_escalation,
    NudgeKind.PACKET_CLOSED: plan_packets_closed,
    NudgeKind.FEEDBACK_REQUEST: plan_feedback_requests,
    NudgeKind.FEEDBACK_REMINDER: plan_feedback_reminders,
    NudgeKind.FEEDBACK_ESCALATION: plan_feedback_escalation,
    NudgeKind.DECISION_REQUEST: plan_decision_request,
    NudgeKind.DECISION_REMINDER: plan_decision_reminder,
    NudgeKind.CANDIDATE_UPDATE_REQUEST: plan_candidate_update_request,
    NudgeKind.CANDIDATE_UPDATE_OVERDUE: plan_candidate_update_overdue,
    NudgeKind.CANDIDATE_UPDATE_ESCALATION: plan_candidate_update_escalation,
}


def plan(
    panel: PanelSnapshot, settings: Settings, tz_of: Mapping[str, str], now: datetime
) -> list[PlannedNudge]:
    """The time-based nudges ``panel`` needs as of ``now``, each at most once.

    ``tz_of`` maps a Slack user ID to an IANA zone (missing: UTC). Nudges already overdue for a
    panel that has not started are planned for ``now``. A cancelled panel needs none.
    """
    ctx = PlanContext(panel=panel, settings=settings, tz_of=tz_of, now=require_aware(now))
    nudges = (n for planner in TIME_BASED_PLANNERS.values() for n in planner(ctx))
    return _unique(nudges)


# --- one-off notices --------------------------------------------------------------------


def _all_panelists(panel: PanelSnapshot) -> Iterable[str]:
    """Everyone, declined too: someone who could not make the old time may make the new one."""
    return (p.user_id for p in panel.panelists)


def _attending_panelists(panel: PanelSnapshot) -> Iterable[str]:
    """Those who declined are not coming anyway; telling them of a cancellation is noise."""
    return (p.user_id for p in panel.attending)


def _owners(panel: PanelSnapshot) -> Iterable[str]:
    """The hiring manager and the recruiter: the recruiter tells the candidate of every move."""
    return (u for u in (panel.hiring_manager_id, panel.recruiter_id) if u)


def _coordinator(panel: PanelSnapshot) -> Iterable[str]:
    return (panel.coordinator_id,)


#: Every event kind and who is told of it.
EVENT_RECIPIENTS: Mapping[NudgeKind, Callable[[PanelSnapshot], Iterable[str]]] = {
    NudgeKind.PANEL_SCHEDULED: _coordinator,
    NudgeKind.PANEL_RESCHEDULED: lambda panel: (*_all_panelists(panel), *_owners(panel)),
    NudgeKind.PANEL_CANCELLED: lambda panel: (*_attending_panelists(panel), *_owners(panel)),
}


def event_nudges(
    kind: NudgeKind, panel: PanelSnapshot, *, now: datetime, event_id: str
) -> list[PlannedNudge]:
    """One-off notices of an event (``event_id``, e.g. the audit event's id): urgent, due now.

    Re-planning never cancels these; the dedupe key includes ``event_id`` so a retried request
    for the same event adds nothing, while a second reschedule (a new event) notifies again.
    """
    recipients = EVENT_RECIPIENTS.get(kind)
    if recipients is None:
        raise ValueError(f"{kind} is not an event notice")
    due = require_aware(now)
    return _unique(
        PlannedNudge(
            kind=kind,
            panel_id=panel.panel_id,
            subject_id=None,
            recipient_id=user_id,
            due_at=due,
            urgent=True,
            dedupe_key=event_key(kind, panel.panel_id, event_id, user_id),
        )
        for user_id in recipients(panel)
    )


# --- reconciling with the outbox --------------------------------------------------------


def diff(
    planned: Sequence[PlannedNudge], pending_keys: Collection[str]
) -> tuple[list[PlannedNudge], list[str]]:
    """(to add, keys to cancel) to bring one panel's pending nudges in line with ``planned``.

    ``pending_keys`` must be the pending keys of this one panel only (a cancelled panel plans
    nothing, so every pending time-based key passed in is cancelled). Only time-based kinds are
    cancelled: event notices stand whatever happens next. To-add nudges keep their planned order;
    a key the outbox already holds as sent must stay sent (its unique key keeps it from going
    twice), while one it holds as cancelled (a panelist who declined, then rejoined) is revived.
    """
    pending = set(pending_keys)
    wanted = {n.dedupe_key for n in planned}
    to_add = [n for n in _unique(planned) if n.dedupe_key not in pending]
    to_cancel = sorted(
        k for k in pending if k not in wanted and kind_of_key(k) in TIME_BASED_PLANNERS
    )
    return to_add, to_cancel


def _unique(nudges: Iterable[PlannedNudge]) -> list[PlannedNudge]:
    """Nudges in order, the first of each dedupe key only."""
    seen: set[str] = set()
    out: list[PlannedNudge] = []
    for nudge in nudges:
        if nudge.dedupe_key not in seen:
            seen.add(nudge.dedupe_key)
            out.append(nudge)
    return out
