"""Human labels for what is said after a panel, shared by every platform's rendering."""

from __future__ import annotations

from bot.models import DecisionOutcome, Recommendation

RECOMMENDATION_LABELS: dict[str, str] = {
    Recommendation.STRONG_NO: "Strong no",
    Recommendation.NO: "No",
    Recommendation.YES: "Yes",
    Recommendation.STRONG_YES: "Strong yes",
}

RATING_LABELS: dict[str, str] = {
    "1": "1 · Well below the bar",
    "2": "2 · Below the bar",
    "3": "3 · Meets the bar",
    "4": "4 · Well above the bar",
}

OUTCOME_LABELS: dict[str, str] = {
    DecisionOutcome.ADVANCE: "Advance",
    DecisionOutcome.OFFER: "Make offer",
    DecisionOutcome.REJECT: "Reject",
    DecisionOutcome.HOLD: "Hold",
}

#: How ``/panel history`` words each audit action.
ACTION_LABELS: dict[str, str] = {
    "scheduled": "scheduled the panel",
    "rescheduled": "rescheduled it",
    "cancelled": "cancelled it",
    "confirmed": "confirmed their prep",
    "declined": "said they can't attend",
    "feedback_submitted": "submitted feedback",
    "feedback_edited": "edited their feedback",
    "excused": "excused a panelist from feedback",
    "decided": "recorded a decision",
    "candidate_updated": "updated the candidate",
}
