"""The modals that change a scheduled panel: reschedule it, cancel it."""

from __future__ import annotations

import json
from typing import Any

from bot.panels import bounds
from bot.panels.notices import PanelSummary
from bot.slack import ids
from bot.slack.blocks import context, input_block, modal, section
from bot.slack.modals.inputs import slot_blocks, text_input
from bot.slack.text import escape, local_time, mention, safe


def reschedule_modal(summary: PanelSummary) -> dict[str, Any]:
    slot = summary.slot
    blocks = [
        section(
            f"*{summary.reference}* · {safe(summary.candidate_name, 200)} for"
            f" {safe(summary.role_title, 200)}\nNow: {local_time(slot.starts_at, slot.timezone)}"
            f" ({slot.duration_minutes} min)"
        ),
        *slot_blocks(slot.starts_at, slot.timezone, slot.duration_minutes),
        context("Panelists are told by DM, in their own time zone."),
    ]
    return modal(
        f"Reschedule {summary.reference}",
        blocks,
        callback_id=ids.RESCHEDULE,
        submit="Reschedule",
        private_metadata=json.dumps({"panel": summary.panel_id}),
    )


def cancel_modal(summary: PanelSummary) -> dict[str, Any]:
    slot = summary.slot
    panelists = ", ".join(mention(s.person.id) for s in summary.seats)
    blocks = [
        section(
            f"Cancel *{summary.reference}*, {escape(summary.candidate_name)}'s round"
            f" {summary.round_number} panel on {local_time(slot.starts_at, slot.timezone)}?"
            f"\nThese panelists will be told: {panelists}"
        ),
        input_block(
            "reason",
            "Reason (shared with the panelists)",
            text_input(
                max_length=bounds.CANCEL_REASON.max_length,
                placeholder="e.g. The candidate withdrew",
            ),
            optional=True,
        ),
    ]
    return modal(
        f"Cancel {summary.reference}?",
        blocks,
        callback_id=ids.CANCEL_CONFIRM,
        submit="Cancel panel",
        close="Keep it",
        private_metadata=json.dumps({"panel": summary.panel_id}),
    )
