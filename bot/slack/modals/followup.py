"""The modals after the panel: feedback, the decision, and "I've updated the candidate"."""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

from bot.followup.forms import FeedbackInput
from bot.followup.labels import OUTCOME_LABELS, RATING_LABELS, RECOMMENDATION_LABELS
from bot.panels import bounds
from bot.panels.notices import PanelBrief
from bot.panels.request import MAX_LONG_TEXT
from bot.slack import ids
from bot.slack.blocks import Block, context, input_block, modal, section
from bot.slack.modals.inputs import select, text_input
from bot.slack.text import mention, safe, truncate


def _long_text(
    initial: str = "", *, placeholder: str = "", max_length: int = MAX_LONG_TEXT
) -> dict[str, Any]:
    return text_input(initial, multiline=True, max_length=max_length, placeholder=placeholder)


def feedback_modal(panel: PanelBrief, focus: str, existing: FeedbackInput | None) -> dict[str, Any]:
    """Recommendation, rating on the focus area, evidence, concerns, questions asked."""
    blocks: list[Block] = [
        section(
            f"*{panel.reference}* · {safe(panel.candidate_name, 200)} for"
            f" {safe(panel.role_title, 200)}\nYour focus: *{safe(focus, 200)}*"
        ),
        input_block(
            "recommendation",
            "Recommendation",
            select(RECOMMENDATION_LABELS, existing.recommendation if existing else None),
        ),
        input_block(
            "rating",
            f"Rating on {truncate(focus, 100)}",
            select(RATING_LABELS, str(existing.rating) if existing else None),
        ),
        input_block(
            "evidence",
            "Evidence",
            _long_text(existing.evidence if existing else "", placeholder="What you saw or heard"),
            hint="Concrete examples from the interview; the hiring manager sees this.",
        ),
        input_block(
            "concerns",
            "Concerns",
            _long_text(existing.concerns if existing else ""),
            optional=True,
        ),
        input_block(
            "questions_asked",
            "Questions you actually asked",
            _long_text("\n".join(existing.questions_asked) if existing else ""),
            optional=True,
            hint="One per line. A later round sees them as “covered already”.",
        ),
        context("Other panelists' feedback is shown to you after you submit yours."),
    ]
    return modal(
        "Edit feedback" if existing else "Feedback",
        blocks,
        callback_id=ids.FEEDBACK_SUBMIT,
        submit="Save" if existing else "Submit",
        private_metadata=json.dumps({"panel": panel.panel_id}),
    )


def decision_modal(
    panel: PanelBrief, outcome: str | None, missing: Sequence[str]
) -> dict[str, Any]:
    """The reason for ``outcome``; without one, the decision is chosen in the modal too."""
    label = OUTCOME_LABELS.get(outcome, outcome) if outcome else "Decision"
    note = (
        f"\n:warning: Feedback still missing from {', '.join(mention(u) for u in missing)}."
        if missing
        else ""
    )
    hold = " A hold keeps the decision open; you'll be asked again." if outcome == "hold" else ""
    blocks: list[Block] = [
        section(
            f"*{label}* for *{safe(panel.candidate_name, 200)}* ({panel.reference},"
            f" {safe(panel.role_title, 200)}).{hold}{note}"
        ),
        input_block(
            "reason",
            "Reason",
            _long_text(
                placeholder="A sentence or two for the recruiter and the record",
                max_length=bounds.DECISION_REASON.max_length,
            ),
        ),
        context("The recruiter is asked to update the candidate next."),
    ]
    if outcome is None:
        blocks.insert(1, input_block("outcome", "Decision", select(OUTCOME_LABELS, None)))
    meta: dict[str, Any] = {"panel": panel.panel_id, **({"outcome": outcome} if outcome else {})}
    return modal(
        truncate(f"{label}: {panel.reference}", 24),
        blocks,
        callback_id=ids.DECISION_SUBMIT,
        submit="Record",
        private_metadata=json.dumps(meta),
    )


def candidate_updated_modal(panel: PanelBrief) -> dict[str, Any]:
    blocks: list[Block] = [
        section(
            f"What did you tell *{safe(panel.candidate_name, 200)}* ({panel.reference})?"
            " This resets their update clock."
        ),
        input_block(
            "note",
            "What you told them",
            _long_text(placeholder="e.g. Called her: offer coming Friday"),
        ),
    ]
    return modal(
        "Candidate updated",
        blocks,
        callback_id=ids.CANDIDATE_UPDATED_SUBMIT,
        submit="Save",
        private_metadata=json.dumps({"panel": panel.panel_id}),
    )
