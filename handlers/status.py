"""``/panel status``'s answer, shared by the command and App Home buttons."""

from __future__ import annotations

from bot.slack import messages
from bot.slack.app import Services
from bot.slack.messages import Rendered
from handlers.question_status import status_section


async def panel_status(services: Services, user_id: str, panel_id: int) -> Rendered:
    """Raises ``PanelNotFound`` for panels the person may not see."""
    panel = await services.panels.visible(user_id, panel_id)
    summary, warnings = await services.flows.review(panel)
    reader = await services.directory.person(user_id)
    text, blocks = messages.status(summary, warnings, reader)
    return text, blocks + await status_section(services, panel, user_id)
