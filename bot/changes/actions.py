"""Every change a panel can go through, named once: the audit trail's actions."""

from __future__ import annotations

import enum


class Action(enum.StrEnum):
    SCHEDULED = "scheduled"
    RESCHEDULED = "rescheduled"
    CANCELLED = "cancelled"
    # Prep: the panelist's own answers, and the owners' replacements and reminders.
    PREP_CONFIRMED = "prep_confirmed"
    PREP_DECLINED = "prep_declined"
    PANELIST_REPLACED = "panelist_replaced"
    REMINDED_NOW = "reminded_now"
    QUESTIONS_PLANNED = "questions_planned"
    # After the panel.
    FEEDBACK_SUBMITTED = "feedback_submitted"
    FEEDBACK_EDITED = "feedback_edited"
    EXCUSED = "excused"
    DECIDED = "decided"
    CANDIDATE_UPDATED = "candidate_updated"


#: How ``/panel history`` words each action ("<who> <label>").
LABELS: dict[Action, str] = {
    Action.SCHEDULED: "scheduled the panel",
    Action.RESCHEDULED: "rescheduled it",
    Action.CANCELLED: "cancelled it",
    Action.PREP_CONFIRMED: "confirmed their prep",
    Action.PREP_DECLINED: "said they can't attend",
    Action.PANELIST_REPLACED: "replaced a panelist",
    Action.REMINDED_NOW: "reminded the unprepared",
    Action.QUESTIONS_PLANNED: "planned their questions",
    Action.FEEDBACK_SUBMITTED: "submitted feedback",
    Action.FEEDBACK_EDITED: "edited their feedback",
    Action.EXCUSED: "excused a panelist from feedback",
    Action.DECIDED: "recorded a decision",
    Action.CANDIDATE_UPDATED: "updated the candidate",
}


def label(action: str) -> str:
    """The history's wording of an audit action (an unknown one is shown as stored)."""
    try:
        return LABELS[Action(action)]
    except ValueError:
        return action.replace("_", " ")
