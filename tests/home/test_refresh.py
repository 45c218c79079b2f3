"""Whose home a change refreshes: everyone on the panel after it, and everyone before it.

Driven through the real pipeline (a replacement, on SQLite and PostgreSQL), with the refresher
watching as ``bot.services`` wires it when a platform keeps homes; the platform here records
whose home it was asked to refresh.
"""

from __future__ import annotations

from bot.devtools.fake_slack import Fault
from bot.devtools.people import COORDINATOR, PEER, PEER2
from bot.home.refresh import HomeRefresher
from tests.factories import scheduled


class Recording:
    """The one port method the refresher calls, recording who."""

    def __init__(self) -> None:
        self.refreshed: list[str] = []

    async def refresh_home(self, user_id: str) -> None:
        self.refreshed.append(user_id)


async def test_a_replaced_panelist_is_refreshed_even_when_their_zone_was_not_found(bot):
    panel = (await scheduled(bot, COORDINATOR)).id
    platform = Recording()
    refresher = HomeRefresher(bot.db, platform)  # type: ignore[arg-type]
    bot.services.pipeline.observe(refresher.observe)
    # Slack is too slow on the panelist being replaced: their zone is left out of the change.
    bot.services.slack.directory._cache.pop(PEER, None)
    bot.fake.fail_next("users.info", Fault(delay=3.0, where=lambda args: args.get("user") == PEER))

    await bot.services.prep.replace(COORDINATOR, panel, PEER, PEER2)
    await refresher.refresh_panel(panel)

    assert PEER in platform.refreshed  # off the panel now, but it was on their home
    assert PEER2 in platform.refreshed and COORDINATOR in platform.refreshed
    assert len(platform.refreshed) == len(set(platform.refreshed))  # each home once
