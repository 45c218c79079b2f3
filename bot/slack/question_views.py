"""Block Kit for planned questions: the planning modal, its "saved" and "repeats" answers,
and the coverage section of ``/panel status``."""

from __future__ import annotations

import json
from typing import Any

from bot.questions.overlap import Coverage, Overlap
from bot.questions.plan import FIELD, MAX_PLAN_TEXT, MAX_QUESTIONS
from bot.questions.service import Plan
from bot.slack import ids
from bot.slack.blocks import Block, context, input_block, modal, plain, section
from bot.slack.text import CONTEXT_TEXT, mention, safe, truncate

TITLE = "Plan my questions"
QUESTION_CHARS = 150  # how much of a question a flag or listing quotes
MAX_EARLIER_SHOWN = 15
MAX_OVERLAPS_SHOWN = 10


def quote(question: str) -> str:
    return f"“{safe(question, QUESTION_CHARS)}”"


def source(overlap: Overlap) -> str:
    """What a flagged question repeats, in words: round 1's question or someone's plan, and
    how sure HireBot is ("likely, 82%; both ask about the start date")."""
    if overlap.panelist_id is not None:
        where = f"{mention(overlap.panelist_id)}'s plan: {quote(overlap.repeats)}"
    else:
        where = f"round {overlap.round_number}: {quote(overlap.repeats)}"
    topic = f"; both ask about {overlap.topic}" if overlap.topic else ""
    return f"{where} _({overlap.confidence}, {overlap.score:.0%}{topic})_"


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


def plan_questions(plan: Plan, *, flagged: bool = False) -> dict[str, Any]:
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
    initial = "\n".join(plan.questions)
    element: dict[str, Any] = {
        "type": "plain_text_input",
        "multiline": True,
        "max_length": MAX_PLAN_TEXT,
        "placeholder": plain("One question per line", 150),
    }
    if initial:
        element["initial_value"] = initial[:MAX_PLAN_TEXT]
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


def questions_saved(plan: Plan) -> dict[str, Any]:
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


def coverage_blocks(result: Coverage) -> list[Block]:
    """``/panel status``: what each focus area has planned, and the repeats left."""
    lines = []
    for area in result.areas:
        who = ", ".join(mention(u) for u in area.panelist_ids)
        if not area.planned:
            state = "no questions planned yet"
        else:
            state = f"{area.planned} question{'s' if area.planned != 1 else ''} planned"
            if area.not_planned:
                state += f" ({', '.join(mention(u) for u in area.not_planned)} not yet)"
            if area.overlaps:
                state += f" · :warning: {area.overlaps} repeat{'s' if area.overlaps != 1 else ''}"
        lines.append(f"• *{safe(area.focus, 100)}* ({who}): {state}")
    blocks: list[Block] = [section("*Planned questions by focus area*\n" + "\n".join(lines))]
    if result.overlaps:
        shown = result.overlaps[:MAX_OVERLAPS_SHOWN]
        flagged = "\n".join(
            f"• {mention(o.planner_id)}: {quote(o.question)} repeats {source(o)}" for o in shown
        )
        more = len(result.overlaps) - len(shown)
        tail = f"\n_…and {more} more_" if more else ""
        blocks.append(section(f":warning: *Overlaps left*\n{flagged}{tail}"))
    elif result.anything_planned:
        blocks.append(
            context(
                ":white_check_mark: No planned question repeats an earlier round or another panelist."
            )
        )
    return blocks
