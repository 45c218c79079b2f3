"""What people type after a panel (feedback, a decision's reason, what the candidate was told),
checked into typed values or field → message errors the platform shows next to each field.

Field names are the modal's block ids, as in ``bot.panels.request``.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from bot.models import DecisionOutcome, Recommendation
from bot.panels.request import MAX_LONG_TEXT, MAX_QUESTIONS, Checked, Errors, split_questions

RATINGS = (1, 2, 3, 4)
MAX_REASON = 1000


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
    rating = int(rating_text) if rating_text.isdigit() else 0
    if rating not in RATINGS:
        errors["rating"] = "Rate the candidate on your focus area."
    evidence = _text(raw, "evidence")
    if not evidence:
        errors["evidence"] = "Say what you saw or heard: the decision rests on evidence."
    elif len(evidence) > MAX_LONG_TEXT:
        errors["evidence"] = f"Keep it under {MAX_LONG_TEXT} characters."
    concerns = _text(raw, "concerns")
    if len(concerns) > MAX_LONG_TEXT:
        errors["concerns"] = f"Keep it under {MAX_LONG_TEXT} characters."
    questions = split_questions(_text(raw, "questions_asked"))
    if len(questions) > MAX_QUESTIONS:
        errors["questions_asked"] = f"At most {MAX_QUESTIONS} questions, one per line."
    if errors:
        return Checked(errors=errors)
    return Checked(FeedbackInput(recommendation, rating, evidence, concerns, questions))


def parse_outcome(text: str) -> str | None:
    """A ``DecisionOutcome`` value, or None for anything else."""
    return text if text in {o.value for o in DecisionOutcome} else None


def check_reason(raw: dict[str, Any], field: str = "reason", *, required: bool = True) -> Checked:
    reason = _text(raw, field)
    if required and not reason:
        return Checked(errors={field: "A sentence is enough, but say why."})
    if len(reason) > MAX_REASON:
        return Checked(errors={field: f"Keep it under {MAX_REASON} characters."})
    return Checked(reason)


def check_update_note(raw: dict[str, Any]) -> Checked:
    note = _text(raw, "note")
    if not note:
        return Checked(errors={"note": "Write what you told the candidate (it stays internal)."})
    if len(note) > MAX_LONG_TEXT:
        return Checked(errors={"note": f"Keep it under {MAX_LONG_TEXT} characters."})
    return Checked(note)
