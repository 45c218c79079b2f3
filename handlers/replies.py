"""Private answers to clicks and slash commands, shared by every listener module.

A button in a message carries a ``response_url``; a button on App Home does not (Slack sends
none for views), so the answer then goes as an ephemeral message in the person's DM with the
app. Listeners call :func:`tell_privately` and need not know where the click came from.
"""

from __future__ import annotations

from slack_bolt.async_app import AsyncRespond
from slack_sdk.web.async_client import AsyncWebClient

from bot.panels.grammar import parse_reference
from bot.panels.service import PanelNotFound
from bot.services import Services


def not_found(panel_id: int) -> str:
    return f"I can't find panel P-{panel_id}. `/panel list` shows the panels you're on."


def click_refusal(refusal: Exception) -> str:
    """What a refused click is told: hidden and missing panels read the same."""
    if isinstance(refusal, PanelNotFound):
        return not_found(refusal.panel_id)
    return str(refusal)


def panel_id_of(value: object) -> int:
    """The panel a button's value names (``"12"``, ``"12:<more>"``, ``"P-12"``); 0 if none."""
    return parse_reference(str(value or "").split(":", 1)[0]) or 0


def refusal_text(refusal: Exception) -> str:
    """What a stale or unauthorised form submission is told, next to its field."""
    if isinstance(refusal, PanelNotFound):
        return "This panel no longer exists."  # the same whether hidden or deleted
    return str(refusal)


async def tell_privately(
    services: Services, body: dict, respond: AsyncRespond, client: AsyncWebClient, text: str
) -> None:
    """Answer the clicker only: beside the message clicked, or in their DM from App Home."""
    if body.get("response_url"):
        await respond(text=text, response_type="ephemeral", replace_original=False)
        return
    await services.platform.reply_privately(body["user"]["id"], text)
