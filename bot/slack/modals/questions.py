"""The question-planning modal, and its answer when the plan repeats nothing."""

from __future__ import annotations

import json
from typing import Any

from bot.questions.overlap import Overlap
from bot.questions.plan import FIELD, MAX_PLAN_TEXT, MAX_QUESTIONS
from bot.questions.service import Plan
from bot.slack import ids
from bot.slack.blocks import Block, context, input_block, modal, section
from bot.slack.modals.inputs import text_input
from bot.slack.pieces import QUESTION_CHARS, quote, source
from bot.slack.text import CONTEXT_TEXT, safe, truncate

TITLE = "Plan my questions"
MAX_EARLIER_SHOWN = 15


def _flags(plan: Plan) -> list[Block]:
    """One section per flagged question, naming everything it repeats (closest first)."""
    by_question: dict[int, list[Overlap]] = {}
    for overlap in plan.overlaps:
        by_question.setdefault(overlap.index, []).append(overlap)
    count, total = len(by_question), len(plan.questions)
    if total == 1:
        which = "Your question repeats"
    elif count == total:
        which = f"All {total} of your questions repeat"
    else:
        which = f"{count} of your {total} questions {'repeats' if count == 1 else 'repeat'}"
    blocks: list[Block] = [
        section(
            f":warning: *{which} something already covered.* The candidate notices when a"
            " panel asks the same thing twice. This is advice: you decide."
        )
    ]
    for index, overlaps in sorted(by_question.items()):
        repeats = "\n".join(f"   ↳ repeats {source(o)}" for o in overlaps[:3])
        more = f"\n   ↳ …and {len(overlaps) - 3} more" if len(overlaps) > 3 else ""
        blocks.append(section(f"*{index + 1}.* {quote(plan.questions[index])}\n{repeats}{more}"))
    return blocks


def _earlier(plan: Plan) -> list[Block]:
    if not plan.earlier:
        return []
    shown = plan.earlier[:MAX_EARLIER_SHOWN]
    lines = " · ".join(f"R{q.round_number}: {safe(q.text, 100)}" for q in shown)
    more = (
        f" · …and {len(plan.earlier) - len(shown)} more" if len(plan.earlier) > len(shown) else ""
    )
    return [context(truncate(f"*Covered already, don't repeat:* {lines}{more}", CONTEXT_TEXT))]


def plan_questions_modal(plan: Plan, *, flagged: bool = False) -> dict[str, Any]:
    """The planning modal, prefilled with the current plan; with ``flagged`` it opens with
    what the saved plan repeats, so the panelist can edit right there."""
    blocks: list[Block] = [
        section(
            f"*{plan.reference}* · {safe(plan.candidate_name, 200)} for"
            f" {safe(plan.role_title, 200)} (round {plan.round_number})"
            f"\nYour focus: *{safe(plan.focus, 200)}*"
        ),
        *_earlier(plan),
    ]
    if plan.overlaps:
        blocks += _flags(plan)
    element = text_input(
        "\n".join(plan.questions),
        multiline=True,
        max_length=MAX_PLAN_TEXT,
        placeholder="One question per line",
    )
    blocks.append(
        input_block(
            FIELD,
            "Edit your questions" if flagged else "Your questions",
            element,
            hint=f"One per line, up to {MAX_QUESTIONS}. HireBot checks them against earlier"
            " rounds and the other panelists' plans.",
        )
    )
    if flagged:
        blocks.append(
            context(
                "Your questions are saved as they are. Edit and save again, or close to keep them."
            )
        )
    return modal(
        TITLE,
        blocks,
        callback_id=ids.PLAN_QUESTIONS,
        submit="Save again" if flagged else "Save",
        close="Keep as is" if flagged else "Cancel",
        private_metadata=json.dumps({"panel": plan.panel_id}),
    )


def questions_saved_modal(plan: Plan) -> dict[str, Any]:
    """The answer to a plan with no repeats."""
    count = len(plan.questions)
    listed = "\n".join(f"{i}. {safe(q, QUESTION_CHARS)}" for i, q in enumerate(plan.questions, 1))
    blocks: list[Block] = [
        section(
            f":white_check_mark: *Saved your {count} question{'s' if count != 1 else ''} for"
            f" {plan.reference}.* None repeats an earlier round or another panelist's plan."
        ),
        section(listed),
        context("Plan my questions again from your prep packet to change them."),
    ]
    return modal(TITLE, blocks, callback_id=ids.PLAN_QUESTIONS, submit=None, close="Done")
