"""A panelist's typed plan: one question per line, checked into field errors."""

from __future__ import annotations

from dataclasses import dataclass, field

from bot.panels import bounds

MAX_QUESTIONS = 20
MAX_QUESTION_LENGTH = bounds.QUESTION.max_length
MAX_PLAN_TEXT = bounds.PLAN.max_length  # Slack's limit for a plain-text input
FIELD = "questions"


@dataclass(frozen=True)
class CheckedPlan:
    questions: tuple[str, ...] = ()
    errors: dict[str, str] = field(default_factory=dict)


def parse(text: str) -> list[str]:
    """Lines with something visible, without list markers ("- ", "1.", a bare "•") or
    surrounding space."""
    return list(bounds.lines(bounds.clean(text, multiline=True)))


def check(text: str | None) -> CheckedPlan:
    if len(bounds.clean(text, multiline=True)) > MAX_PLAN_TEXT:
        return CheckedPlan(errors={FIELD: bounds.too_long(bounds.PLAN, text or "") or ""})
    questions = parse(text or "")
    if not questions:
        return CheckedPlan(errors={FIELD: "Write at least one question, one per line."})
    if len(questions) > MAX_QUESTIONS:
        return CheckedPlan(
            errors={
                FIELD: f"That's {len(questions)} questions: plan {MAX_QUESTIONS} at most, one per"
                " line."
            }
        )
    for number, question in enumerate(questions, start=1):
        if len(question) > MAX_QUESTION_LENGTH:
            return CheckedPlan(
                errors={
                    FIELD: f"Question {number} is {len(question)} characters: keep each to"
                    f" {MAX_QUESTION_LENGTH} at most, one per line."
                }
            )
    return CheckedPlan(tuple(questions))
