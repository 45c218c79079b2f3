"""``/panel status``'s answer, shared by the command and App Home buttons."""

from __future__ import annotations

from bot.followup.progress import Stage
from bot.models import Panel
from bot.panels.access import can_manage
from bot.people import Person
from bot.prep.service import readiness as prep_readiness
from bot.services import Services
from bot.slack import followup_messages, messages, prep_messages
from bot.slack.blocks import Block
from bot.slack.messages import Rendered
from handlers.question_status import status_section


async def panel_status(services: Services, user_id: str, panel_id: int) -> Rendered:
    """Raises ``PanelNotFound`` for panels the person may not see."""
    panel = await services.panels.visible(user_id, panel_id)
    summary, warnings = await services.flows.review(panel)
    reader = await services.directory.person(user_id)
    readiness = prep_messages.readiness_blocks(prep_readiness(panel))
    after = await followup_blocks(services, panel, reader)
    text, blocks = messages.status(
        summary, warnings, reader, readiness=readiness, followup=after or None
    )
    return text, blocks + await status_section(services, panel, user_id)


async def followup_blocks(services: Services, panel: Panel, reader: Person) -> list[Block]:
    """After the panel: where it stands, what blocks, and the feedback this reader may see."""
    now = services.clock.now()
    progress = await services.followup.progress(panel)
    stage = progress.stage(now)
    if stage in (Stage.UPCOMING, Stage.CANCELLED):
        return []
    reading = await services.followup.reading(reader.id, panel)
    return followup_messages.followup_status(
        panel,
        progress,
        reading,
        progress.blockers(now, services.settings, reader.tz),
        reader,
        may_excuse=can_manage(panel, reader.id),
        now_stage=stage,
    )
