"""What people type after a panel (feedback, a decision's reason, what the candidate was told),
checked into typed values or field → message errors the platform shows next to each field.

Field names are the modal's block ids, as in ``bot.panels.request``.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from bot.models import DecisionOutcome, Recommendation
from bot.panels import bounds
from bot.panels.request import Checked, Errors, check_questions

RATINGS = (1, 2, 3, 4)
MAX_REASON = bounds.DECISION_REASON.max_length


@dataclass(frozen=True)
class FeedbackInput:
    recommendation: str  # a Recommendation value
    rating: int  # 1-4 on the author's focus area
    evidence: str
    concerns: str
    questions_asked: tuple[str, ...]


def _text(raw: dict[str, Any], name: str) -> str:
    value = raw.get(name)
    return value.strip() if isinstance(value, str) else ""


def check_feedback(raw: dict[str, Any]) -> Checked:
    errors: Errors = {}
    recommendation = _text(raw, "recommendation")
    if recommendation not in {r.value for r in Recommendation}:
        errors["recommendation"] = "Choose a recommendation."
    rating_text = _text(raw, "rating")
    rating = int(rating_text) if rating_text in {str(r) for r in RATINGS} else 0
    if rating not in RATINGS:
        errors["rating"] = "Rate the candidate on your focus area."
    evidence = bounds.field(
        raw,
        "evidence",
        bounds.EVIDENCE,
        errors,
        required="Say what you saw or heard: the decision rests on evidence.",
    )
    concerns = bounds.field(raw, "concerns", bounds.CONCERNS, errors)
    questions = check_questions(raw, "questions_asked", errors)
    if errors:
        return Checked(errors=errors)
    return Checked(FeedbackInput(recommendation, rating, evidence, concerns, questions))


def parse_outcome(text: str) -> str | None:
    """A ``DecisionOutcome`` value, or None for anything else."""
    return text if text in {o.value for o in DecisionOutcome} else None


def check_reason(raw: dict[str, Any], field: str = "reason", *, required: bool = True) -> Checked:
    errors: Errors = {}
    message = "A sentence is enough, but say why." if required else None
    reason = bounds.field(raw, field, bounds.DECISION_REASON, errors, required=message)
    return Checked(errors=errors) if errors else Checked(reason)


def check_update_note(raw: dict[str, Any]) -> Checked:
    errors: Errors = {}
    note = bounds.field(
        raw,
        "note",
        bounds.UPDATE_NOTE,
        errors,
        required="Write what you told the candidate (it stays internal).",
    )
    return Checked(errors=errors) if errors else Checked(note)


def check_text(
    raw: dict[str, Any], field: str, bound: bounds.Bound, required: str | None
) -> Checked:
    """Any other single text field (a decline's or a cancellation's reason)."""
    errors: Errors = {}
    text = bounds.field(raw, field, bound, errors, required=required)
    return Checked(errors=errors) if errors else Checked(text)
