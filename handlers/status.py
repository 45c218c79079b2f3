"""``/panel status``'s answer, shared by the command and App Home buttons."""

from __future__ import annotations

from bot.services import Services
from bot.slack import answers
from bot.slack.messages import Rendered


async def panel_status(services: Services, user_id: str, panel_id: int) -> Rendered:
    """Raises ``PanelNotFound`` for panels the person may not see."""
    reader = await services.directory.person(user_id)
    report = await services.status.status(user_id, panel_id, reader.tz)
    return answers.status(report, reader)
