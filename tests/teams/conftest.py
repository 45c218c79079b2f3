"""Teams fixtures: the real app with Teams configured, the loopback fake Microsoft, the wire."""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass

import pytest

from bot.devtools.fake_teams import FakeTeams
from bot.devtools.harness import Harness
from bot.devtools.teams_wire import TeamsWire, fake_teams_running, teams_settings
from tests.conftest import NOW


@dataclass
class TeamsBot:
    bot: Harness
    fake: FakeTeams
    wire: TeamsWire


@pytest.fixture
async def teams(database, settings_overrides) -> AsyncIterator[TeamsBot]:
    url, connect_args = database
    async with (
        fake_teams_running() as fake,
        Harness.running(
            url, now=NOW, connect_args=connect_args, **teams_settings(fake), **settings_overrides
        ) as bot,
    ):
        yield TeamsBot(bot, fake, TeamsWire(bot.http, fake))
        await bot.services.pipeline.drain()
        # Teams would have refused anything the fake found invalid.
        assert fake.violations == [], fake.violations
