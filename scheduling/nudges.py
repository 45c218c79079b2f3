"""What a nudge is, before the outbox stores it: its kind, the panel snapshot it is planned
from, and the dedupe key that names its situation.

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

Everything else about a kind (its planner, guards, composer...) is its record in
:mod:`scheduling.kinds`.
"""

from __future__ import annotations

import enum
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from zoneinfo import ZoneInfoNotFoundError

from bot.config import Settings
from bot.followup.progress import PanelProgress
from bot.models import Panelist
from scheduling.business_time import zone

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

    # The dispatcher's own: the coordinator hears that a nudge could not be delivered.
    NUDGE_FAILED = "nudge_failed"


@dataclass(frozen=True)
class PanelistSnapshot:
    user_id: str
    confirmed: bool = False  # "I've reviewed the materials" (the prep-packet issue sets it)
    declined: bool = False
    joined_at: datetime | None = None  # when they took the seat, i.e. when their packet went


def panelist_state(panelist: Panelist) -> PanelistSnapshot:
    """Where a panelist stands on prep. The one place the policy and the guards read it from."""
    return PanelistSnapshot(
        user_id=panelist.user_id,
        confirmed=panelist.confirmed_at is not None,
        declined=panelist.declined_at is not None,
        joined_at=panelist.joined_at,
    )


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


def event_nudge(
    kind: NudgeKind,
    panel_id: int,
    event_id: str,
    recipient_id: str,
    now: datetime,
    *,
    subject_id: str | None = None,
) -> PlannedNudge:
    """A one-off notice of an event: urgent, due now, once per event and recipient."""
    return PlannedNudge(
        kind=kind,
        panel_id=panel_id,
        subject_id=subject_id,
        recipient_id=recipient_id,
        due_at=now,
        urgent=True,
        dedupe_key=event_key(kind, panel_id, event_id, recipient_id),
    )


def kind_of_key(key: str) -> NudgeKind | None:
    """The kind a dedupe key was made for, or None for a key this module did not make."""
    try:
        return NudgeKind(key.split(":", 1)[0])
    except ValueError:
        return None
