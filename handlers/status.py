"""``/panel status``'s answer, shared by the command and App Home buttons."""

from __future__ import annotations

from bot.prep.service import readiness as prep_readiness
from bot.slack import messages, prep_messages
from bot.slack.app import Services
from bot.slack.messages import Rendered


async def panel_status(services: Services, user_id: str, panel_id: int) -> Rendered:
    """Raises ``PanelNotFound`` for panels the person may not see."""
    panel = await services.panels.visible(user_id, panel_id)
    summary, warnings = await services.flows.review(panel)
    reader = await services.directory.person(user_id)
    readiness = prep_messages.readiness_blocks(prep_readiness(panel))
    return messages.status(summary, warnings, reader, readiness=readiness)
