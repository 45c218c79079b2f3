"""Keeping people's homes current: after a change commits, the people it touched are refreshed.

The one trigger for every platform: the change pipeline tells :class:`HomeRefresher` of each
change as it is recorded (who the change could concern, looked up before it: someone replaced
or removed is among them) and, once the change has committed and its notices went out, the
refresher asks the platform port to refresh each person's home (``ChatPlatform.refresh_home``).
What a home *is* stays the platform's business (Teams: the home card, updated in place).
Best effort: a failure is logged, never raised, so the change that prompted it stands.
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

from bot.db import Database
from bot.models import Panel

if TYPE_CHECKING:
    from bot.changes.announce import Moment
    from bot.platform import ChatPlatform

log = logging.getLogger(__name__)


def people_of(panel: Panel) -> list[str]:
    """Everyone whose home lists ``panel``: the people who run it and the panelists."""
    found = [panel.coordinator_id, panel.hiring_manager_id, panel.recruiter_id]
    found += [seat.user_id for seat in panel.panelists]
    return [user_id for user_id in dict.fromkeys(found) if user_id]


class HomeRefresher:
    def __init__(self, db: Database, platform: ChatPlatform) -> None:
        self.db = db
        self.platform = platform
        #: Per panel, the people its changes since the last refresh may have taken off it.
        self._touched: dict[int, set[str]] = {}

    async def observe(self, moment: Moment) -> None:
        """In the change's transaction: remember who it could concern (the panel's people
        before the change, and anyone it named)."""
        self._touched.setdefault(moment.panel.id, set()).update(moment.concerned)

    async def refresh_panel(self, panel_id: int) -> None:
        """After the commit: refresh the home of everyone on the panel now or before."""
        before = self._touched.pop(panel_id, set())
        async with self.db.session() as session:
            panel = await session.get(Panel, panel_id)
            now_on = people_of(panel) if panel is not None else []
        for user_id in dict.fromkeys([*now_on, *sorted(before)]):
            try:
                await self.platform.refresh_home(user_id)
            except Exception:
                log.warning("could not refresh the home of %s", user_id, exc_info=True)
