"""``/panel status``'s answer, shared by the command and App Home buttons."""

from __future__ import annotations

from bot.people import Person
from bot.services import Services
from bot.slack import answers
from bot.slack.blocks import Block
from bot.slack.messages import MAX_MESSAGE_BLOCKS, Rendered


async def panel_status(services: Services, user_id: str, panel_id: int) -> Rendered:
    """Raises ``PanelNotFound`` for panels the person may not see."""
    reader = await services.directory.person(user_id)
    report = await services.status.status(user_id, panel_id, reader.tz)
    text, blocks = answers.status(report, reader)
    extra = await _ats(services, panel_id, reader)  # the panel was found visible above
    return text, blocks + extra if len(blocks) + len(extra) <= MAX_MESSAGE_BLOCKS else blocks


async def _ats(services: Services, panel_id: int, reader: Person) -> list[Block]:
    """A panel that came from the ATS says so (and who there could not be found in chat)."""
    if services.ats is None:
        return []
    link = await services.ats.link_of(panel_id)
    if link is None:
        return []
    from bot.slack import ats_messages
    from bot.slack.text import local_time

    return ats_messages.status_blocks(
        services.ats.label,
        link.candidate_url,
        list(link.unmatched or []),
        local_time(link.ats_updated_at, reader.tz),
    )
