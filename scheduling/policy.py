"""Policy: which nudges a panel needs, and when. Pure functions of the panel's state.

The outbox stores what this module plans; whenever a panel changes, the caller re-plans and
applies :func:`diff` to the panel's pending nudges, so nudges that no longer apply are cancelled
and new ones added. Nothing is sent twice because every nudge carries a dedupe key that names
its situation (kind, panel, schedule, person), never the moment it was planned.

Dedupe keys, one format for every kind (``:``-separated, the kind first so :func:`kind_of_key`
can tell time-based nudges from one-off notices):

- time-based: ``<kind>:p<panel>:v<version>@<start>[:<subject>]``. Both the snapshot's
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
from datetime import UTC, datetime
from zoneinfo import ZoneInfoNotFoundError

from bot.config import Settings
from scheduling.business_time import add_duration, require_aware, within_working_hours, zone

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


@dataclass(frozen=True)
class PanelistSnapshot:
    user_id: str
    confirmed: bool = False  # "I've reviewed the materials" (the prep-packet issue sets it)
    declined: bool = False


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


def _escalation_due(ctx: PlanContext) -> datetime:
    """When the coordinator hears who is unprepared (the prep reminder must land before)."""
    panel, s = ctx.panel, ctx.settings
    tz = ctx.zone_of(panel.coordinator_id)
    due = add_duration(panel.starts_at, -s.prep_escalation_lead, tz, business=s.business_time)
    return min(max(due, ctx.now), panel.starts_at)


def _prep_reminder_due(ctx: PlanContext, user_id: str) -> tuple[datetime, bool]:
    """(due, urgent) of a panelist's prep reminder.

    Held for the panelist's working hours unless that would push it past the coordinator's
    escalation: then it goes at its own due time (urgent), since a reminder after the
    escalation, or after the start, is useless.
    """
    panel, s = ctx.panel, ctx.settings
    tz = ctx.zone_of(user_id)
    due = add_duration(panel.starts_at, -s.prep_reminder_lead, tz, business=s.business_time)
    due = max(due, ctx.now)  # short notice: remind at once
    held = within_working_hours(due, tz, s.working_hours, business=s.business_time)
    if held > _escalation_due(ctx):
        return due, True
    return held, False


def plan_prep_reminders(ctx: PlanContext) -> Iterator[PlannedNudge]:
    """Each attending panelist who has not confirmed their prep is reminded before the start."""
    if not _before_start(ctx):
        return
    for panelist in ctx.panel.unprepared:
        due, urgent = _prep_reminder_due(ctx, panelist.user_id)
        yield PlannedNudge(
            kind=NudgeKind.PREP_REMINDER,
            panel_id=ctx.panel.panel_id,
            subject_id=panelist.user_id,
            recipient_id=panelist.user_id,
            due_at=due,
            urgent=urgent,
            dedupe_key=time_key(NudgeKind.PREP_REMINDER, ctx.panel, panelist.user_id),
        )


def plan_prep_escalation(ctx: PlanContext) -> Iterator[PlannedNudge]:
    """The coordinator is told, in time to act, if anyone attending is still unprepared.

    Urgent: it is about a panel that is about to start, so it is never held for working hours.
    Who exactly is unprepared is decided when it is sent (the dispatcher's guard), so the key
    does not change as panelists confirm.
    """
    if not _before_start(ctx) or not ctx.panel.unprepared:
        return
    yield PlannedNudge(
        kind=NudgeKind.PREP_ESCALATION,
        panel_id=ctx.panel.panel_id,
        subject_id=None,
        recipient_id=ctx.panel.coordinator_id,
        due_at=_escalation_due(ctx),
        urgent=True,
        dedupe_key=time_key(NudgeKind.PREP_ESCALATION, ctx.panel),
    )


Planner = Callable[[PlanContext], Iterable[PlannedNudge]]

#: Every time-based kind and its planner. Only these kinds are ever cancelled by :func:`diff`.
TIME_BASED_PLANNERS: Mapping[NudgeKind, Planner] = {
    NudgeKind.PREP_REMINDER: plan_prep_reminders,
    NudgeKind.PREP_ESCALATION: plan_prep_escalation,
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


#: Every event kind and who is told of it.
EVENT_RECIPIENTS: Mapping[NudgeKind, Callable[[PanelSnapshot], Iterable[str]]] = {
    NudgeKind.PANEL_RESCHEDULED: _all_panelists,
    NudgeKind.PANEL_CANCELLED: _attending_panelists,
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
