"""One deployment serving a Slack workspace and a Teams tenant: nothing crosses between them."""

from __future__ import annotations

import re

from sqlalchemy import select

from bot.devtools import people as slack_people
from bot.devtools import teams_wire as cast
from bot.models import Panel
from tests.factories import scheduled
from tests.support.messages import command_reply
from tests.teams.test_commands import schedule_people


def names(text: str, reference: str) -> bool:
    return re.search(rf"\b{reference}\b", text) is not None


async def test_slack_and_teams_panels_live_side_by_side(teams):
    bot, fake_teams = teams.bot, teams.fake
    for person in (
        cast.COORDINATOR,
        cast.HIRING_MANAGER,
        cast.RECRUITER,
        cast.PEER,
        cast.CROSS,
        cast.LEADER,
    ):
        await teams.wire.install(person)
    slack_panel = await scheduled(bot, slack_people.COORDINATOR)
    teams_panel = await schedule_people(teams, (cast.PEER, cast.CROSS, cast.LEADER))
    assert (slack_panel.id, teams_panel.id) == (1, 2)

    # Slack's people heard about the Slack panel on Slack, Teams' about the Teams panel on Teams.
    slack_text = str([c.args for c in bot.fake.calls])
    teams_text = str([c.body for c in fake_teams.calls])
    assert names(slack_text, "P-1") and not names(slack_text, "P-2")
    assert names(teams_text, "P-2") and not names(teams_text, "P-1")
    # Neither platform was asked about the other's people.
    assert not any(uid in slack_text for uid in (cast.PEER, cast.COORDINATOR))
    assert not any(uid in teams_text for uid in (slack_people.PEER, slack_people.COORDINATOR))

    # Each coordinator's list shows only their own panel; the other is "not found".
    await teams.wire.say(cast.COORDINATOR, "list")
    listing = str(fake_teams.cards_to(cast.COORDINATOR)[-1])
    assert names(listing, "P-2") and not names(listing, "P-1")
    await teams.wire.say(cast.COORDINATOR, "status P-1")
    assert "can't find that panel" in str(fake_teams.cards_to(cast.COORDINATOR)[-1])
    answer = await command_reply(bot, slack_people.COORDINATOR, "status P-2")
    assert "can't find" in str(answer).lower()

    async with bot.db.session() as session:
        panels = {p.id: p for p in await session.scalars(select(Panel))}
    assert panels[1].coordinator_id == slack_people.COORDINATOR
    assert panels[2].coordinator_id == cast.COORDINATOR
