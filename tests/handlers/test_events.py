"""The App Home tab, published when someone opens it."""

from __future__ import annotations

import json

import pytest

from bot.devtools.people import COORDINATOR, OUTSIDER, PEER
from tests.factories import scheduled
from tests.support.messages import open_home


async def test_home_lists_the_readers_panels_in_their_zone(bot):
    await scheduled(bot, COORDINATOR)
    body = json.dumps(await open_home(bot, PEER))  # open_home checks it was published for Pat
    assert "P-1" in body and "Ada Lovelace" in body and "16:00 CET" in body


async def test_home_for_someone_with_no_panels(bot):
    await scheduled(bot, COORDINATOR)
    body = json.dumps(await open_home(bot, OUTSIDER))
    assert "Ada" not in body and "No upcoming panels" in body


@pytest.mark.parametrize("settings_overrides", [{"coordinators": COORDINATOR}])
async def test_only_coordinators_get_the_schedule_button(bot, settings_overrides):
    coordinator_home = json.dumps(await open_home(bot, COORDINATOR))
    outsider_home = json.dumps(await open_home(bot, OUTSIDER))
    assert "panel_open_scheduler" in coordinator_home
    assert "panel_open_scheduler" not in outsider_home


async def test_messages_tab_is_ignored(bot):
    await bot.wire.event({"type": "app_home_opened", "user": PEER, "tab": "messages"})
    await bot.wire.event({"type": "app_home_opened", "user": OUTSIDER, "tab": "home"})
    published = await bot.fake.wait_for("views.publish")
    assert [p["user_id"] for p in published] == [OUTSIDER]
