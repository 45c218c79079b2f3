"""The time-zone picker finds any IANA zone by what people type."""

from __future__ import annotations

import pytest

from bot.devtools.people import COORDINATOR


@pytest.mark.parametrize(
    ("query", "first"),
    [("berlin", "Europe/Berlin"), ("new york", "America/New_York"), ("", "America/Los_Angeles")],
)
async def test_timezone_search(bot, query, first):
    view = await bot.open_scheduler(COORDINATOR)
    response = await bot.wire.options(COORDINATOR, "timezone", query, view)
    options = response.json()["options"]
    assert options[0]["value"] == first
    assert len(options) <= 100
    assert options[0]["text"]["text"].startswith(first + " (UTC")


async def test_nonsense_finds_nothing(bot):
    view = await bot.open_scheduler(COORDINATOR)
    response = await bot.wire.options(COORDINATOR, "timezone", "atlantis", view)
    assert response.json()["options"] == []
