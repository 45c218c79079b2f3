"""Guards: does a due nudge still apply, given the panel as it is right now?

A nudge was planned from an earlier state of its panel. Re-planning cancels most nudges that
stop applying, but state also changes between planning and sending (a panelist confirms while
their reminder is being claimed), so the dispatcher asks here again just before each send.
Each kind lists its guards; a guard returns why the nudge should be skipped, or ``None``.
Adding a kind, or a new reason to skip one, is one function and one entry in ``GUARDS``.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import datetime

from bot.followup.progress import PanelProgress
from bot.models import Nudge, Panel
from bot.people import zone_or_utc
from scheduling.policy import NudgeKind
from scheduling.replan import panelist_state

#: The kind of the coordinator's "this nudge could not be delivered" notice.
NUDGE_FAILED = "nudge_failed"

Guard = Callable[[Nudge, Panel, datetime], str | None]


def panel_open(_nudge: Nudge, panel: Panel, _now: datetime) -> str | None:
    return "panel cancelled" if panel.is_cancelled else None


def not_started(_nudge: Nudge, panel: Panel, now: datetime) -> str | None:
    return "panel already started" if now >= panel.starts_at else None


def subject_on_panel(nudge: Nudge, panel: Panel, _now: datetime) -> str | None:
    if all(p.user_id != nudge.subject_id for p in panel.panelists):
        return "no longer on the panel"
    return None


def subject_unprepared(nudge: Nudge, panel: Panel, _now: datetime) -> str | None:
    for panelist in panel.panelists:
        if panelist.user_id == nudge.subject_id:
            state = panelist_state(panelist)
            if state.declined:
                return "declined the panel"
            if state.confirmed:
                return "already confirmed their prep"
    return None


def someone_unprepared(_nudge: Nudge, panel: Panel, _now: datetime) -> str | None:
    if not unprepared(panel):
        return "everyone on the panel is prepared"
    return None


def unprepared(panel: Panel) -> tuple[str, ...]:
    """Attending panelists who have not confirmed their prep, in panel order."""
    states = (panelist_state(p) for p in panel.panelists)
    return tuple(s.user_id for s in states if not s.declined and not s.confirmed)


# --- prep (bot.prep): packets, their updates in place, invites, declines ---------------------


def _seat(nudge: Nudge, panel: Panel):  # type: ignore[no-untyped-def]
    return next((p for p in panel.panelists if p.user_id == nudge.recipient_id), None)


def recipient_attending(nudge: Nudge, panel: Panel, _now: datetime) -> str | None:
    seat = _seat(nudge, panel)
    if seat is None:
        return "no longer on the panel"
    return "declined the panel" if seat.declined_at is not None else None


def packet_to_update(nudge: Nudge, panel: Panel, _now: datetime) -> str | None:
    """An update in place needs a packet already posted (a pending packet is composed from the
    panel as it is when it goes, so it needs no update)."""
    seat = _seat(nudge, panel)
    if seat is None:
        return None if nudge.payload.get("ts") else "no longer on the panel"
    return None if seat.packet_ts else "no packet sent yet"


def invite_applies(nudge: Nudge, panel: Panel, now: datetime) -> str | None:
    """A cancellation goes to whoever had a packet; a (new or updated) invite to attendees."""
    if nudge.payload.get("cancelled"):
        seat = _seat(nudge, panel)
        return None if seat is not None and seat.packet_ts else "never sent an invite"
    return panel_open(nudge, panel, now) or recipient_attending(nudge, panel, now)


def fresh_occurrence(nudge: Nudge, _panel: Panel, now: datetime) -> str | None:
    """Only today's occurrence of a daily series goes out (today in the recipient's zone): one
    left over from an earlier day (the dispatcher was down, Slack was out) is skipped, and the
    series re-plans today's instead, so nobody gets a pile of stale nudges or two in a day."""
    tz = zone_or_utc(str(nudge.payload.get("tz") or "UTC"))
    if nudge.due_at.astimezone(tz).date() < now.astimezone(tz).date():
        return "a newer occurrence replaces it"
    return None


GUARDS: Mapping[str, tuple[Guard, ...]] = {
    NudgeKind.PANEL_SCHEDULED: (panel_open,),
    NudgeKind.PACKET_CLOSED: (panel_open, recipient_attending, packet_to_update),
    NudgeKind.PREP_PACKET: (panel_open, not_started, recipient_attending),
    NudgeKind.PACKET_UPDATE: (packet_to_update,),
    NudgeKind.PREP_INVITE: (invite_applies,),
    NudgeKind.PANELIST_DECLINED: (panel_open, not_started),
    NudgeKind.PREP_REMINDER_NOW: (panel_open, not_started, subject_on_panel, subject_unprepared),
    NudgeKind.PREP_REMINDER: (panel_open, not_started, subject_on_panel, subject_unprepared),
    NudgeKind.PREP_ESCALATION: (panel_open, not_started, someone_unprepared),
    # A later cancellation makes news of a new time moot (its own notice says so).
    NudgeKind.PANEL_RESCHEDULED: (panel_open,),
    # The cancellation notice is news precisely because the panel is cancelled.
    NudgeKind.PANEL_CANCELLED: (),
    NUDGE_FAILED: (),
    # After the panel: the panel must still be on; the rest is in PROGRESS_GUARDS.
    NudgeKind.FEEDBACK_REQUEST: (panel_open, subject_on_panel),
    NudgeKind.FEEDBACK_REMINDER: (panel_open, subject_on_panel),
    NudgeKind.FEEDBACK_ESCALATION: (panel_open,),
    NudgeKind.DECISION_REQUEST: (panel_open,),
    NudgeKind.DECISION_REMINDER: (panel_open,),
    NudgeKind.CANDIDATE_UPDATE_REQUEST: (panel_open,),
    NudgeKind.CANDIDATE_UPDATE_OVERDUE: (panel_open, fresh_occurrence),
    NudgeKind.CANDIDATE_UPDATE_ESCALATION: (panel_open,),
}

# --- after the panel: guards that read its follow-up state ------------------------------

ProgressGuard = Callable[[Nudge, PanelProgress, datetime], str | None]


def subject_owes_feedback(nudge: Nudge, progress: PanelProgress, _now: datetime) -> str | None:
    seat = next((s for s in progress.seats if s.user_id == nudge.subject_id), None)
    if seat is None:
        return "no longer on the panel"
    if seat.declined:
        return "declined the panel"
    if seat.excused:
        return "excused from feedback"
    if seat.feedback_at is not None:
        return "feedback already in"
    return None


def feedback_missing(_nudge: Nudge, progress: PanelProgress, _now: datetime) -> str | None:
    return None if progress.feedback_owed else "all feedback is in"


def feedback_complete(_nudge: Nudge, progress: PanelProgress, _now: datetime) -> str | None:
    return "feedback still missing" if progress.feedback_owed else None


def undecided(_nudge: Nudge, progress: PanelProgress, _now: datetime) -> str | None:
    decision = progress.decision
    return "already decided" if decision is not None and decision.final else None


def candidate_not_told(_nudge: Nudge, progress: PanelProgress, _now: datetime) -> str | None:
    decision = progress.decision
    if decision is None:
        return "no decision yet"
    if progress.last_update_at is not None and progress.last_update_at >= decision.decided_at:
        return "candidate already updated"
    return None


def candidate_waiting(nudge: Nudge, progress: PanelProgress, now: datetime) -> str | None:
    if not progress.waiting(now):
        return "the candidate has heard back"
    if progress.last_update_at is not None and progress.last_update_at >= nudge.created_at:
        return "candidate updated since"
    return None


#: Follow-up kinds and the guards that need the panel's progress (loaded once per batch).
PROGRESS_GUARDS: Mapping[str, tuple[ProgressGuard, ...]] = {
    NudgeKind.FEEDBACK_REQUEST: (undecided, subject_owes_feedback),
    NudgeKind.FEEDBACK_REMINDER: (undecided, subject_owes_feedback),
    NudgeKind.FEEDBACK_ESCALATION: (undecided, feedback_missing),
    NudgeKind.DECISION_REQUEST: (feedback_complete, undecided),
    NudgeKind.DECISION_REMINDER: (feedback_complete, undecided),
    NudgeKind.CANDIDATE_UPDATE_REQUEST: (candidate_not_told,),
    NudgeKind.CANDIDATE_UPDATE_OVERDUE: (candidate_waiting,),
    NudgeKind.CANDIDATE_UPDATE_ESCALATION: (candidate_waiting,),
}


def skip_reason(
    nudge: Nudge, panel: Panel | None, now: datetime, progress: PanelProgress | None = None
) -> str | None:
    """Why ``nudge`` should not be sent as of ``now``, or ``None`` when it should.

    Follow-up kinds also need the panel's ``progress`` (``bot.followup.loading``)."""
    if panel is None:
        return "panel deleted"
    guards = GUARDS.get(nudge.kind)
    if guards is None:
        return f"unknown kind {nudge.kind!r}"
    for guard in guards:
        reason = guard(nudge, panel, now)
        if reason:
            return reason
    after_panel = PROGRESS_GUARDS.get(nudge.kind, ())
    if after_panel and progress is None:
        return "follow-up state not loaded"
    for progress_guard in after_panel:
        assert progress is not None
        reason = progress_guard(nudge, progress, now)
        if reason:
            return reason
    return None
