"""Guards: does a due nudge still apply, given the panel as it is right now?

A nudge was planned from an earlier state of its panel. Re-planning cancels most nudges that
stop applying, but state also changes between planning and sending (a panelist confirms while
their reminder is being claimed), so the dispatcher asks here again just before each send.
A guard returns why the nudge should be skipped, or ``None``; each kind's record in
:mod:`scheduling.kinds` lists its guards, and :func:`scheduling.kinds.skip_reason` asks them.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from bot.followup.progress import PanelProgress
from bot.models import Nudge, Panel, Panelist
from bot.people import zone_or_utc
from scheduling.nudges import panelist_state

Guard = Callable[[Nudge, Panel, datetime], str | None]
#: A guard of the follow-up kinds, which reads the panel's progress (loaded once per batch).
ProgressGuard = Callable[[Nudge, PanelProgress, datetime], str | None]


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


def _seat(nudge: Nudge, panel: Panel) -> Panelist | None:
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


# --- after the panel: guards that read its follow-up state ------------------------------


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
