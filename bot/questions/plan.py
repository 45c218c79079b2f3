"""A panelist's typed plan: one question per line, checked into field errors."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

MAX_QUESTIONS = 20
MAX_QUESTION_LENGTH = 300
MAX_PLAN_TEXT = 3000  # Slack's limit for a plain-text input
FIELD = "questions"

# "- ", "• ", "1. ", "2) " at the start of a line: list markers people paste, not the question.
_MARKER = re.compile(r"^\s*(?:[-*•–]|\d{1,2}[.)])\s+")


@dataclass(frozen=True)
class CheckedPlan:
    questions: tuple[str, ...] = ()
    errors: dict[str, str] = field(default_factory=dict)


def parse(text: str) -> list[str]:
    """Non-blank lines, without list markers or surrounding space."""
    lines = (_MARKER.sub("", line).strip() for line in text.splitlines())
    return [" ".join(line.split()) for line in lines if line]


def check(text: str | None) -> CheckedPlan:
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
