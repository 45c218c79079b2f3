"""Teams' global limit per app per tenant: a burst to many people in one tenant stays under it.

The fake connector counts every request of the tenant and answers 429 with ``Retry-After``
beyond its limit, as Teams does (here 10 a second instead of 50, so the burst is short).
"""

from __future__ import annotations

import asyncio
from collections import Counter
from datetime import timedelta

import pytest
from sqlalchemy import select

from bot.devtools.teams_seed import seed_teams_nudges, teams_people
from bot.models import Nudge, NudgeStatus
from bot.teams.pacing import TenantLimiter
from tests.conftest import NOW

RATE = 10
PEOPLE = 30


@pytest.fixture
def settings_overrides() -> dict:
    return {"teams_tenant_rate": RATE}


def sends_per_chat(fake) -> Counter[str]:
    """Messages the connector accepted, per 1:1 chat (a refused 429 stored nothing)."""
    return Counter(conv for conv, _id in fake.activities)


async def statuses(bot, people: list[str]) -> Counter[str]:
    async with bot.db.session() as session:
        rows = await session.scalars(select(Nudge).where(Nudge.recipient_id.in_(people)))
        return Counter(n.status for n in rows)


async def test_a_burst_to_a_whole_tenant_stays_under_its_limit(teams):
    teams.fake.tenant_limit = (RATE, 1.0)
    people = teams_people(PEOPLE)
    await seed_teams_nudges(teams.bot.db, teams.fake, people, due_at=NOW, now=NOW)

    report = await teams.bot.run_nudges(NOW)

    assert report.sent == PEOPLE and report.retry_later == 0
    assert teams.fake.throttled == []  # not one 429: the limiter kept the tenant under it
    chats = {teams.fake.personal_conversation(p) for p in people}
    assert sends_per_chat(teams.fake) == Counter(dict.fromkeys(chats, 1))
    assert await statuses(teams.bot, people) == Counter({NudgeStatus.SENT: PEOPLE})


async def test_over_the_limit_teams_answers_429_and_the_outbox_retries_after_it(teams):
    """Without HireBot's limiter (several replicas together can exceed it just the same), the
    fake throttles like Teams; each 429 goes back to the outbox with its Retry-After and goes
    out on a later run: nothing lost, nothing doubled."""
    teams.fake.tenant_limit = (RATE, 1.0)
    teams.bot.services.teams.connector.limiter = TenantLimiter(1000)
    people = teams_people(PEOPLE)
    await seed_teams_nudges(teams.bot.db, teams.fake, people, due_at=NOW, now=NOW)

    first = await teams.bot.run_nudges(NOW)
    assert teams.fake.throttled and first.retry_later == len(teams.fake.throttled)
    async with teams.bot.db.session() as session:
        waiting = list(
            await session.scalars(select(Nudge).where(Nudge.status == NudgeStatus.PENDING))
        )
    assert waiting and all("rate limited" in (n.last_error or "") for n in waiting)
    assert all(n.due_at >= NOW + timedelta(seconds=1) for n in waiting)  # Retry-After: 1

    for minute in range(1, 10):
        if (await statuses(teams.bot, people))[NudgeStatus.SENT] == PEOPLE:
            break
        await asyncio.sleep(1.0)  # the fake's window is real time
        await teams.bot.run_nudges(NOW + timedelta(minutes=minute))

    chats = {teams.fake.personal_conversation(p) for p in people}
    assert sends_per_chat(teams.fake) == Counter(dict.fromkeys(chats, 1))
    assert await statuses(teams.bot, people) == Counter({NudgeStatus.SENT: PEOPLE})
