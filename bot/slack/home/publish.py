"""Publishing someone's App Home: on opening it, on paging, and after changes elsewhere.

Other flows call :func:`refresh_home` after they change what someone's home shows (a panelist
confirms, feedback arrives, a decision or a candidate update is recorded, a panel moves or is
cancelled), so an open home never lies for long.
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

from bot.home.agenda import FIRST_PAGES, Agenda, HomePages
from bot.home.service import HomeService
from bot.slack.home.view import home_view

if TYPE_CHECKING:
    from bot.services import Services

log = logging.getLogger(__name__)


async def publish_home(services: Services, user_id: str, pages: HomePages = FIRST_PAGES) -> Agenda:
    """Build, render and publish ``user_id``'s home; returns what was shown."""
    reader = await services.directory.person(user_id)
    home = HomeService(services.db, services.clock, services.settings, services.read_cache)
    agenda = await home.agenda(user_id, reader.tz, pages)
    view = home_view(agenda, reader, may_schedule=services.panels.may_schedule(user_id))
    await services.slack.client.views_publish(user_id=user_id, view=view)
    return agenda


async def refresh_home(services: Services, *user_ids: str) -> None:
    """Re-publish these people's homes at the first page. Best effort: a failure is logged,
    never raised, so the change that prompted it stands."""
    for user_id in dict.fromkeys(user_ids):
        try:
            await publish_home(services, user_id)
        except Exception:
            log.warning("could not refresh the App Home of %s", user_id, exc_info=True)
