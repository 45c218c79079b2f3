"""The dispatcher's writes share transactions, and its platform calls stay at the concurrency.

Group commit is checked on the outbox itself (real SQLite and PostgreSQL): writes asked for
together commit together, one failing write fails alone, the change counter is bumped once.
The dispatcher is checked through the fake Slack with a latency: the calls in flight reach
``HIREBOT_DISPATCH_CONCURRENCY`` and never pass it, while renewals and records overlap them.
"""

from __future__ import annotations

import asyncio
from collections import Counter
from datetime import timedelta

import pytest
from sqlalchemy import select

from bot.changes import counter
from bot.db import Database
from bot.devtools.outbox_seed import fake_users, recipient_ids, seed_due_nudges
from bot.models import Nudge, NudgeStatus
from scheduling import outbox
from scheduling.dispatcher import PUT_BACK
from scheduling.group_commit import GroupCommit
from scheduling.outbox import Outcome
from tests.conftest import NOW

WORKER = "w1"


async def claimed(db: Database, count: int) -> list[int]:
    await seed_due_nudges(db, recipient_ids(count), due_at=NOW, now=NOW)
    batch = await outbox.claim(
        db,
        worker=WORKER,
        as_of=NOW,
        wall_now=NOW,
        lease=timedelta(minutes=1),
        limit=count,
    )
    return [n.id for n in batch]


def sent(nudge_id: int):
    async def record(session):
        outcome = Outcome(NudgeStatus.SENT, channel="D1", message_ts=f"{nudge_id}.0")
        return await outbox.settle(session, [nudge_id], outcome, worker=WORKER, now=NOW)

    return record


async def test_writes_asked_for_together_commit_together(db):
    ids = await claimed(db, 20)
    commit = GroupCommit(db)
    results = await asyncio.gather(*(commit.write(sent(i)) for i in ids))
    assert results == [[i] for i in ids]
    assert commit.writes == 20
    assert commit.transactions <= 2  # the first alone, the other 19 waiting behind it
    rows = await outbox.pending(db)
    assert [n for n in rows if n.id in ids] == []  # none pending or claimed any more


async def test_a_failing_write_fails_alone(db):
    ids = await claimed(db, 6)
    commit = GroupCommit(db)

    async def broken(session):
        await sent(ids[0])(session)  # written, then undone with the transaction
        raise ValueError("a bug in one write")

    outcomes = await asyncio.gather(
        *(commit.write(sent(i)) for i in ids[1:3]),
        commit.write(broken),
        *(commit.write(sent(i)) for i in ids[3:]),
        return_exceptions=True,
    )
    assert [type(o).__name__ for o in outcomes] == ["list"] * 2 + ["ValueError"] + ["list"] * 3
    still_claimed = [n.id for n in await outbox.pending(db) if n.status == NudgeStatus.CLAIMED]
    assert still_claimed == [ids[0]]


async def test_the_counter_is_bumped_once_per_transaction_that_asks(db):
    ids = await claimed(db, 5)
    commit = GroupCommit(db)
    before = await counter.current(db)
    await commit.write(sent(ids[0]))
    assert await counter.current(db) == before
    await asyncio.gather(*(commit.write(sent(i), bump=True) for i in ids[1:]))
    assert await counter.current(db) - before == commit.transactions - 1


async def test_many_sends_are_recorded_in_one_statement_each_with_its_own_channel(db):
    ids = await claimed(db, 4)
    async with db.session() as session:  # another sender took the last one over
        await outbox.settle(session, [ids[3]], PUT_BACK, worker=WORKER, now=NOW)
    sends = [
        outbox.Sent(ids[:2], "D1", "1.0"),  # a digest: two nudges, one message
        outbox.Sent([ids[2]], "D2", "2.0"),
        outbox.Sent([ids[3]], "D3", "3.0"),
    ]
    async with db.session() as session:
        done = await outbox.settle_sent(session, sends, worker=WORKER, now=NOW)
    assert sorted(done) == sorted(ids[:3])
    rows = {n.id: n for n in await all_nudges(db)}
    assert [(rows[i].status, rows[i].channel, rows[i].message_ts) for i in ids] == [
        (NudgeStatus.SENT, "D1", "1.0"),
        (NudgeStatus.SENT, "D1", "1.0"),
        (NudgeStatus.SENT, "D2", "2.0"),
        (NudgeStatus.PENDING, None, None),
    ]


async def all_nudges(db: Database) -> list[Nudge]:
    async with db.session() as session:
        return list(await session.scalars(select(Nudge)))


@pytest.fixture
def settings_overrides() -> dict:
    return {"dispatch_concurrency": 3}


async def test_calls_in_flight_reach_the_concurrency_and_never_pass_it(bot):
    people = recipient_ids(24)
    for user in fake_users(people):
        bot.fake.add_user(user)
    bot.fake.latency = 0.05
    await seed_due_nudges(bot.db, people, due_at=NOW, now=NOW)

    report = await bot.run_nudges(NOW)

    assert report.sent == 24
    posts = Counter(args["channel"] for args in bot.fake.calls_to("chat.postMessage"))
    assert len(posts) == 24 and set(posts.values()) == {1}  # each person's DM, once
    assert bot.fake.peak_in_flight == 3
    # Written one by one, each message would be a renewal and a record: two transactions.
    assert bot.dispatcher._writes.transactions < 2 * report.messages
