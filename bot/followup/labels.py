"""Human labels for what is said after a panel, shared by every platform's rendering."""

from __future__ import annotations

from bot.followup.progress import BlockerKind
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

#: What a blocker waits for, before its owner's name ("feedback from @Pat").
WAITING_FOR: dict[BlockerKind, str] = {
    BlockerKind.FEEDBACK: "feedback from",
    BlockerKind.DECISION: "a decision from",
    BlockerKind.CANDIDATE_UPDATE: "a candidate update from",
}
