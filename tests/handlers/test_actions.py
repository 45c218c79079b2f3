"""Buttons re-check who is clicking."""

from __future__ import annotations

import pytest

from bot.devtools.people import COORDINATOR, OUTSIDER


@pytest.mark.parametrize("settings_overrides", [{"coordinators": COORDINATOR}])
async def test_home_schedule_button_opens_the_modal_only_for_coordinators(bot, settings_overrides):
    await bot.wire.click(OUTSIDER, "panel_open_scheduler", container={"type": "view"})
    refusal = await bot.fake.wait_for("chat.postEphemeral")
    assert refusal[0]["user"] == OUTSIDER and "Only coordinators" in refusal[0]["text"]
    assert bot.fake.calls_to("views.open") == []

    await bot.wire.click(COORDINATOR, "panel_open_scheduler", container={"type": "view"})
    opened = await bot.fake.wait_for("views.open")
    assert opened[0]["view"]["callback_id"] == "panel_schedule_basics"
