"""Reading what the bot sent, and asking it things as a person would, through Slack's wire."""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

from bot.devtools.harness import Harness


def text_of(message: Mapping[str, Any]) -> str:
    """All the text a person would read in a message or a view: its fallback text, then every
    block as JSON (characters as typed, not escaped)."""
    return message.get("text", "") + json.dumps(message.get("blocks", []), ensure_ascii=False)


def action_ids(message: Mapping[str, Any]) -> list[str]:
    """The action IDs of a message's buttons and menus, in order."""
    return [
        e["action_id"]
        for b in message.get("blocks", [])
        if b["type"] == "actions"
        for e in b["elements"]
    ]


def dms(bot: Harness, user_id: str, containing: str = "") -> list[dict]:
    """The DMs ``user_id`` has received whose fallback text contains ``containing``."""
    return [m for m in bot.fake.dms_to(user_id) if containing in m["text"]]


async def command_reply(bot: Harness, user_id: str, command: str) -> dict:
    """The private message a ``/panel`` command answers with: the ack's own body when it
    carries one (a report ready in time), else what the bot posted to ``response_url`` after an
    empty ack."""
    before = len(bot.fake.calls_to("response_url"))
    response = await bot.wire.command(user_id, command)
    assert response.status_code == 200
    if response.content and response.headers.get("content-type", "").startswith("application/json"):
        body = response.json()
        if body.get("text") or body.get("blocks"):
            return body
    return (await bot.fake.wait_for("response_url", before + 1))[-1]


async def private_answer(bot: Harness, user_id: str, command: str) -> str:
    """The text of a ``/panel`` command's private answer, whether it came in the HTTP answer or
    later through response_url."""
    return text_of(await command_reply(bot, user_id, command))


async def open_home(bot: Harness, user_id: str) -> dict:
    """Open the home tab as ``user_id``; the view the bot published for them."""
    before = len(bot.fake.calls_to("views.publish"))
    response = await bot.wire.event({"type": "app_home_opened", "user": user_id, "tab": "home"})
    assert response.status_code == 200
    published = (await bot.fake.wait_for("views.publish", before + 1))[-1]
    assert published["user_id"] == user_id
    return published["view"]
