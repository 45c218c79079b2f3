"""``/panel status``'s answer, shared by the command and App Home buttons."""

from __future__ import annotations

from bot.people import Person
from bot.services import Services
from bot.slack import answers
from bot.slack.blocks import Block
from bot.slack.render import Rendered


async def panel_status(services: Services, user_id: str, panel_id: int) -> Rendered:
    """Raises ``PanelNotFound`` for panels the person may not see."""
    reader = await services.directory.person(user_id)
    report = await services.status.status(user_id, panel_id, reader.tz)
    origin = await _ats(services, panel_id, reader)  # the panel was found visible above
    return answers.status(report, reader, origin)


async def _ats(services: Services, panel_id: int, reader: Person) -> list[Block]:
    """A panel that came from the ATS says so (and who there could not be found in chat)."""
    if services.ats is None:
        return []
    link = await services.ats.link_of(panel_id)
    if link is None:
        return []
    return answers.ats_origin(
        services.ats.label,
        link.candidate_url,
        list(link.unmatched or []),
        link.ats_updated_at,
        reader,
    )
