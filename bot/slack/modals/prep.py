"""The prep modals: a panelist can't attend (and says why); an owner replaces a panelist."""

from __future__ import annotations

import json
from typing import Any

from bot.panels import bounds
from bot.panels.notices import PanelBrief
from bot.prep.forms import DECLINE_REASON, REPLACEMENT
from bot.slack import ids
from bot.slack.blocks import input_block, modal, section
from bot.slack.modals.inputs import text_input
from bot.slack.pieces import headline
from bot.slack.text import mention, safe


def decline_modal(brief: PanelBrief, message_ts: str | None) -> dict[str, Any]:
    return modal(
        "Can't attend",
        [
            section(f"{headline(brief)}\nThe coordinator is told at once, with your reason."),
            input_block(
                DECLINE_REASON,
                "Why can't you attend?",
                text_input(
                    multiline=True,
                    max_length=bounds.DECLINE_REASON.max_length,
                    placeholder="A clash, leave, a conflict of interest…",
                ),
            ),
        ],
        callback_id=ids.PREP_DECLINE_SUBMIT,
        submit="Tell the coordinator",
        private_metadata=json.dumps({"panel": brief.panel_id, "ts": message_ts}),
    )


def replace_modal(brief: PanelBrief, panelist_id: str, focus: str) -> dict[str, Any]:
    return modal(
        "Replace panelist",
        [
            section(
                f"{headline(brief)}\nReplacing {mention(panelist_id)}. The replacement takes"
                f" the same seat ({safe(focus, 100)}) and gets the prep packet at once."
            ),
            input_block(REPLACEMENT, "Replacement", {"type": "users_select"}),
        ],
        callback_id=ids.PREP_REPLACE_SUBMIT,
        submit="Replace",
        private_metadata=json.dumps({"panel": brief.panel_id, "user": panelist_id}),
    )
