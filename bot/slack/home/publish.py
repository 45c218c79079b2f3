"""Publishing someone's App Home: whenever they open it, and on its paging and Refresh buttons.

Slack keeps no copy worth updating between visits (opening the tab asks for a fresh one), so
changes elsewhere publish nothing here; Teams, which keeps a home card, is refreshed after
changes (``bot.home.refresh``).
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

from bot.home.agenda import FIRST_PAGES, Agenda, HomePages
from bot.slack.home.view import home_view

if TYPE_CHECKING:
    from bot.services import Services

log = logging.getLogger(__name__)


async def publish_home(services: Services, user_id: str, pages: HomePages = FIRST_PAGES) -> Agenda:
    """Build, render and publish ``user_id``'s home; returns what was shown."""
    reader = await services.directory.person(user_id)
    agenda = await services.homes.agenda(user_id, reader.tz, pages)
    view = home_view(agenda, reader, may_schedule=services.panels.may_schedule(user_id))
    await services.slack.client.views_publish(user_id=user_id, view=view)
    return agenda
