"""Universal Action buttons re-check who clicks, exactly as Slack's do."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from bot.devtools.teams_wire import (
    COORDINATOR,
    CROSS,
    HIRING_MANAGER,
    LEADER,
    OUTSIDER,
    PEER,
    RECRUITER,
)
from bot.models import Panelist
from bot.teams.cards import card_problems
from tests.teams.test_commands import schedule


async def excused(teams, panel_id: int) -> set[str]:
    async with teams.bot.db.session() as session:
        seats = await session.scalars(select(Panelist).where(Panelist.panel_id == panel_id))
        return {s.user_id for s in seats if s.excused_at is not None}


async def test_only_an_owner_may_excuse_a_panelist(teams):
    for person in (COORDINATOR, HIRING_MANAGER, RECRUITER, PEER, CROSS, LEADER, OUTSIDER):
        await teams.wire.install(person)
    panel = await schedule(teams)
    await teams.bot.run_nudges(panel.starts_at + timedelta(hours=1))  # the panel has ended
    data = {"panel": panel.id, "panelist": PEER}
    for clicker, says in ((OUTSIDER, "can't find"), (CROSS, "")):
        answer = (await teams.wire.execute(clicker, "feedback.excuse", data)).json()
        assert answer["statusCode"] == 200 and card_problems(answer["value"]) == []
        assert "Excused" not in str(answer["value"]) and says in str(answer["value"])
    assert await excused(teams, panel.id) == set()
    answer = (await teams.wire.execute(HIRING_MANAGER, "feedback.excuse", data)).json()
    assert "Excused Pat Peer" in str(answer["value"])
    assert await excused(teams, panel.id) == {PEER}
    # A stale or forged button changes nothing and says so.
    stale = (await teams.wire.execute(HIRING_MANAGER, "no.such.verb", data)).json()
    assert "out of date" in str(stale["value"])
    forged = (await teams.wire.execute(HIRING_MANAGER, "feedback.excuse", {"panel": "x"})).json()
    assert "out of date" in str(forged["value"])
