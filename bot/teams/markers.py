"""What a card carries, written into the card itself, so a takeover can recognise its sends.

In Slack every message names its nudges in message metadata. Teams messages have no such
field, but Graph lists a bot's message with its Adaptive Card as the attachment's ``content``,
so the same idea lives in the card: its first body element without an ``id`` gets one naming
the nudges (``hirebot-nudges-12-13``) or the file it shares (``hirebot-file-invite.ics``). An
element id is part of the Adaptive Card schema and invisible to the reader; Graph gives the
card back as the bot sent it (or as it was last updated). Nudge ids are unique for good (a primary key, like the dedupe key it stands for), so a
marker can never be mistaken for another nudge's.
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Sequence
from typing import Any

NUDGES = "hirebot-nudges-"
FILE = "hirebot-file-"

Card = dict[str, Any]


def nudges_marker(nudge_ids: Sequence[int]) -> str | None:
    return NUDGES + "-".join(str(i) for i in nudge_ids) if nudge_ids else None


def file_marker(name: str) -> str:
    return FILE + name


def mark(content: Card, marker: str | None) -> Card:
    """``content`` with ``marker`` as the id of its first body element that has none (an
    invisible text block is added when every element has one)."""
    if not marker:
        return content
    body = [dict(element) for element in content.get("body") or []]
    for element in body:
        if "id" not in element:
            element["id"] = marker
            break
    else:
        body.append({"type": "TextBlock", "text": " ", "isVisible": False, "id": marker})
    return {**content, "body": body}


def read(content: Any) -> tuple[tuple[int, ...], str]:
    """The nudge ids and the file name a card (an object or Graph's JSON string) is marked
    with; ``((), "")`` for a card HireBot did not mark."""
    if isinstance(content, str):
        try:
            content = json.loads(content)
        except ValueError:
            return (), ""
    nudge_ids: tuple[int, ...] = ()
    file_name = ""
    for element_id in _ids(content):
        if element_id.startswith(NUDGES):
            parts = element_id.removeprefix(NUDGES).split("-")
            nudge_ids = tuple(int(p) for p in parts if p.isdigit())
        elif element_id.startswith(FILE):
            file_name = element_id.removeprefix(FILE)
    return nudge_ids, file_name


def _ids(node: Any) -> Iterator[str]:
    """Every element id in a card, nested containers and columns included."""
    if isinstance(node, dict):
        if isinstance(node.get("id"), str) and node.get("type") != "AdaptiveCard":
            yield node["id"]
        for value in node.values():
            if isinstance(value, list | dict):
                yield from _ids(value)
    elif isinstance(node, list):
        for item in node:
            yield from _ids(item)
