"""Small builders for Block Kit JSON, so renderers read as layouts rather than dict soup."""

from __future__ import annotations

from typing import Any

from bot.slack.text import (
    BUTTON_TEXT,
    CONTEXT_TEXT,
    HEADER_TEXT,
    OPTION_TEXT,
    SECTION_TEXT,
    truncate,
)

Block = dict[str, Any]


def plain(text: str, limit: int = SECTION_TEXT) -> dict[str, Any]:
    return {"type": "plain_text", "text": truncate(text, limit) or " ", "emoji": True}


def mrkdwn(text: str, limit: int = SECTION_TEXT) -> dict[str, Any]:
    return {"type": "mrkdwn", "text": truncate(text, limit) or " "}


def header(text: str) -> Block:
    return {"type": "header", "text": plain(text, HEADER_TEXT)}


def section(text: str, **extra: Any) -> Block:
    return {"type": "section", "text": mrkdwn(text), **extra}


def fields(*texts: str) -> Block:
    """A section of up to ten short two-column fields."""
    return {"type": "section", "fields": [mrkdwn(t, 2000) for t in texts[:10]]}


def context(*texts: str) -> Block:
    return {"type": "context", "elements": [mrkdwn(t, CONTEXT_TEXT) for t in texts[:10]]}


def divider() -> Block:
    return {"type": "divider"}


def button(
    text: str,
    action_id: str,
    value: str = "",
    *,
    style: str | None = None,
    confirm: dict[str, Any] | None = None,
) -> dict[str, Any]:
    element: dict[str, Any] = {
        "type": "button",
        "text": plain(text, BUTTON_TEXT),
        "action_id": action_id,
    }
    if value:
        element["value"] = value
    if style:
        element["style"] = style
    if confirm:
        element["confirm"] = confirm
    return element


def actions(*elements: dict[str, Any], block_id: str | None = None) -> Block:
    block: Block = {"type": "actions", "elements": list(elements)}
    if block_id:
        block["block_id"] = block_id
    return block


def option(label: str, value: str) -> dict[str, Any]:
    return {"text": plain(label, OPTION_TEXT), "value": value}


def preformatted(text: str) -> Block:
    """Text shown verbatim in a box (for drafts people copy elsewhere)."""
    return {
        "type": "rich_text",
        "elements": [
            {
                "type": "rich_text_preformatted",
                "elements": [{"type": "text", "text": truncate(text, 3900)}],
            }
        ],
    }


def input_block(
    block_id: str,
    label: str,
    element: dict[str, Any],
    *,
    optional: bool = False,
    hint: str | None = None,
) -> Block:
    element.setdefault("action_id", block_id)
    block: Block = {
        "type": "input",
        "block_id": block_id,
        "label": plain(label, 2000),
        "element": element,
        "optional": optional,
    }
    if hint:
        block["hint"] = plain(hint, 2000)
    return block


def modal(
    title: str,
    blocks: list[Block],
    *,
    callback_id: str,
    submit: str | None = "Submit",
    close: str = "Cancel",
    private_metadata: str = "",
) -> dict[str, Any]:
    view: dict[str, Any] = {
        "type": "modal",
        "callback_id": callback_id,
        "title": plain(title, 24),
        "close": plain(close, 24),
        "blocks": blocks,
    }
    if submit:
        view["submit"] = plain(submit, 24)
    if private_metadata:
        view["private_metadata"] = private_metadata
    return view
