"""One record per nudge kind: everything the outbox needs to know about it, in one place.

A kind is planned one of three ways (:class:`Origin`): from the panel's state by its planner
(time-based: re-planning cancels it when it stops applying), for an event's recipients (one-off
notices of a reschedule or cancellation), or queued directly by the change that owes it (a
packet, an invite, a decline alert). Whichever way, the dispatcher checks its guards just
before sending, composes its notice from the panel as it is then, and runs its after-send work
in the transaction that records it as sent.

Adding a kind is a member of :class:`scheduling.nudges.NudgeKind` and a record here; a test
fails if a kind lacks one or a record lacks a part its origin needs.
"""

from __future__ import annotations

import enum
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime

from bot.followup.progress import PanelProgress
from bot.models import Nudge, Panel
from bot.platform import Notice
from scheduling import composers, followup_composers, guards, planners
from scheduling.composers import AfterSent, ComposeContext, Composer
from scheduling.guards import Guard, ProgressGuard
from scheduling.nudges import NudgeKind
from scheduling.planners import Planner, Recipients


class Origin(enum.Enum):
    PLANNED = "planned from the panel's state"
    EVENT = "sent to an event's recipients"
    QUEUED = "queued by the change that owes it"


@dataclass(frozen=True)
class KindRecord:
    kind: NudgeKind
    #: What people call it ("prep reminder"): in failure notices and ``hirebot nudges list``.
    label: str
    origin: Origin
    compose: Composer
    guards: tuple[Guard, ...] = ()
    #: Guards that read the panel's follow-up progress (the dispatcher loads it per batch).
    progress_guards: tuple[ProgressGuard, ...] = ()
    planner: Planner | None = None  # PLANNED kinds
    recipients: Recipients | None = None  # EVENT kinds
    #: May share one message with others due to the same person (a packet is updated in place
    #: later, and an invite is a file: those go alone).
    joins_digest: bool = True
    after_sent: AfterSent | None = None
    #: A series: each occurrence sent or skipped re-plans the panel, which plans the next.
    renews: bool = False
    #: Composing reads the database (feedback, decisions, earlier rounds).
    reads_db: bool = False


_PREP_REMINDER_GUARDS = (
    guards.panel_open,
    guards.not_started,
    guards.subject_on_panel,
    guards.subject_unprepared,
)


KINDS: Mapping[NudgeKind, KindRecord] = {
    record.kind: record
    for record in (
        # --- the panel itself -----------------------------------------------------------
        KindRecord(
            NudgeKind.PANEL_SCHEDULED,
            "scheduling confirmation",
            Origin.EVENT,
            composers.panel_scheduled,
            guards=(guards.panel_open,),
            recipients=planners.coordinator_only,
            joins_digest=False,
        ),
        KindRecord(
            NudgeKind.PANEL_RESCHEDULED,
            "reschedule notice",
            Origin.EVENT,
            composers.panel_rescheduled,
            # A later cancellation makes news of a new time moot (its own notice says so).
            guards=(guards.panel_open,),
            recipients=planners.rescheduled_recipients,
        ),
        KindRecord(
            NudgeKind.PANEL_CANCELLED,
            "cancellation notice",
            Origin.EVENT,
            composers.panel_cancelled,
            # News precisely because the panel is cancelled: no guard.
            recipients=planners.cancelled_recipients,
        ),
        KindRecord(
            NudgeKind.NUDGE_FAILED,
            "delivery failure alert",
            Origin.QUEUED,
            composers.nudge_failed,
        ),
        # --- prep: packets, their updates, invites, reminders, escalation ---------------
        KindRecord(
            NudgeKind.PREP_PACKET,
            "prep packet",
            Origin.QUEUED,
            composers.prep_packet,
            guards=(guards.panel_open, guards.not_started, guards.recipient_attending),
            joins_digest=False,
            after_sent=composers.record_packet,
        ),
        KindRecord(
            NudgeKind.PACKET_UPDATE,
            "prep packet update",
            Origin.QUEUED,
            composers.packet_update,
            guards=(guards.packet_to_update,),
            joins_digest=False,
        ),
        KindRecord(
            NudgeKind.PACKET_CLOSED,
            "prep packet closed at the start",
            Origin.PLANNED,
            composers.packet_closed,
            guards=(guards.panel_open, guards.recipient_attending, guards.packet_to_update),
            planner=planners.plan_packets_closed,
            joins_digest=False,
            reads_db=True,
        ),
        KindRecord(
            NudgeKind.PREP_INVITE,
            "calendar invite",
            Origin.QUEUED,
            composers.prep_invite,
            guards=(guards.invite_applies,),
            joins_digest=False,
        ),
        KindRecord(
            NudgeKind.PANELIST_DECLINED,
            "can't-attend alert",
            Origin.QUEUED,
            composers.panelist_declined,
            guards=(guards.panel_open, guards.not_started),
        ),
        KindRecord(
            NudgeKind.PREP_REMINDER_NOW,
            "prep reminder",
            Origin.QUEUED,
            composers.prep_reminder,
            guards=_PREP_REMINDER_GUARDS,
        ),
        KindRecord(
            NudgeKind.PREP_REMINDER,
            "prep reminder",
            Origin.PLANNED,
            composers.prep_reminder,
            guards=_PREP_REMINDER_GUARDS,
            planner=planners.plan_prep_reminders,
        ),
        KindRecord(
            NudgeKind.PREP_ESCALATION,
            "unprepared-panel alert",
            Origin.PLANNED,
            composers.prep_escalation,
            guards=(guards.panel_open, guards.not_started, guards.someone_unprepared),
            planner=planners.plan_prep_escalation,
        ),
        # --- after the panel: feedback, decision, candidate updates ---------------------
        KindRecord(
            NudgeKind.FEEDBACK_REQUEST,
            "feedback request",
            Origin.PLANNED,
            followup_composers.feedback_ask,
            guards=(guards.panel_open, guards.subject_on_panel),
            progress_guards=(guards.undecided, guards.subject_owes_feedback),
            planner=planners.plan_feedback_requests,
            reads_db=True,
        ),
        KindRecord(
            NudgeKind.FEEDBACK_REMINDER,
            "feedback reminder",
            Origin.PLANNED,
            followup_composers.feedback_ask,
            guards=(guards.panel_open, guards.subject_on_panel),
            progress_guards=(guards.undecided, guards.subject_owes_feedback),
            planner=planners.plan_feedback_reminders,
            reads_db=True,
        ),
        KindRecord(
            NudgeKind.FEEDBACK_ESCALATION,
            "missing-feedback alert",
            Origin.PLANNED,
            followup_composers.feedback_escalation,
            guards=(guards.panel_open,),
            progress_guards=(guards.undecided, guards.feedback_missing),
            planner=planners.plan_feedback_escalation,
            reads_db=True,
        ),
        KindRecord(
            NudgeKind.DECISION_REQUEST,
            "decision request",
            Origin.PLANNED,
            followup_composers.decision,
            guards=(guards.panel_open,),
            progress_guards=(guards.feedback_complete, guards.undecided),
            planner=planners.plan_decision_request,
            reads_db=True,
        ),
        KindRecord(
            NudgeKind.DECISION_REMINDER,
            "decision reminder",
            Origin.PLANNED,
            followup_composers.decision,
            guards=(guards.panel_open,),
            progress_guards=(guards.feedback_complete, guards.undecided),
            planner=planners.plan_decision_reminder,
            reads_db=True,
        ),
        KindRecord(
            NudgeKind.CANDIDATE_UPDATE_REQUEST,
            "candidate-update request",
            Origin.PLANNED,
            followup_composers.candidate_update_ask,
            guards=(guards.panel_open,),
            progress_guards=(guards.candidate_not_told,),
            planner=planners.plan_candidate_update_request,
            reads_db=True,
        ),
        KindRecord(
            NudgeKind.CANDIDATE_UPDATE_OVERDUE,
            "candidate-waiting nudge",
            Origin.PLANNED,
            followup_composers.waiting,
            guards=(guards.panel_open, guards.fresh_occurrence),
            progress_guards=(guards.candidate_waiting,),
            planner=planners.plan_candidate_update_overdue,
            renews=True,
            reads_db=True,
        ),
        KindRecord(
            NudgeKind.CANDIDATE_UPDATE_ESCALATION,
            "stalled-candidate alert",
            Origin.PLANNED,
            followup_composers.waiting,
            guards=(guards.panel_open,),
            progress_guards=(guards.candidate_waiting,),
            planner=planners.plan_candidate_update_escalation,
            reads_db=True,
        ),
    )
}

#: The kinds re-planning owns (adds and cancels), in planning order.
TIME_BASED: tuple[NudgeKind, ...] = tuple(k for k, r in KINDS.items() if r.planner is not None)


def record_of(kind: str) -> KindRecord | None:
    """The record of a stored nudge's kind; ``None`` for a kind this version does not know."""
    try:
        return KINDS[NudgeKind(kind)]
    except ValueError:
        return None


def label(kind: str) -> str:
    record = record_of(kind)
    return record.label if record is not None else kind.replace("_", " ")


def skip_reason(
    nudge: Nudge, panel: Panel | None, now: datetime, progress: PanelProgress | None = None
) -> str | None:
    """Why ``nudge`` should not be sent as of ``now``, or ``None`` when it should.

    Kinds with progress guards also need the panel's ``progress`` (``bot.followup.loading``)."""
    if panel is None:
        return "panel deleted"
    record = record_of(nudge.kind)
    if record is None:
        return f"unknown kind {nudge.kind!r}"
    for guard in record.guards:
        reason = guard(nudge, panel, now)
        if reason:
            return reason
    if record.progress_guards and progress is None:
        return "follow-up state not loaded"
    for progress_guard in record.progress_guards:
        assert progress is not None
        reason = progress_guard(nudge, progress, now)
        if reason:
            return reason
    return None


async def compose(nudge: Nudge, panel: Panel, ctx: ComposeContext) -> Notice:
    """The notice ``nudge`` carries, built from ``panel`` as it is now."""
    record = record_of(nudge.kind)
    if record is None:
        raise LookupError(f"unknown kind {nudge.kind!r}")
    return await record.compose(nudge, panel, ctx)
