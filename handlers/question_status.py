"""The planned-questions section of ``/panel status``: coverage per focus area and the
repeats left, for the panel's owners."""

from __future__ import annotations

from bot.models import Panel
from bot.panels import access
from bot.services import Services
from bot.slack import question_views
from bot.slack.blocks import Block


async def status_section(services: Services, panel: Panel, user_id: str) -> list[Block]:
    """Coverage and repeats left, for the panel's owners only (panelists see their own
    overlaps when they plan)."""
    if panel.is_cancelled or not access.can_manage(panel, user_id):
        return []
    result = await services.questions.coverage(panel)
    return question_views.coverage_blocks(result)
