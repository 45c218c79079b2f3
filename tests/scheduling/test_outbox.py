"""The outbox table: idempotent enqueue, claims with leases, and settling only what one holds."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

from bot.db import Database
from bot.devtools.outbox_seed import recipient_ids, seed_due_nudges
from bot.models import Base, NudgeStatus
from scheduling import outbox
from scheduling.nudges import NudgeKind, PlannedNudge
from scheduling.outbox import Outcome

NOW = datetime(2026, 11, 25, 15, 0, tzinfo=UTC)
WALL = datetime(2030, 1, 1, 12, 0, tzinfo=UTC)  # leases run on a different (real) clock
LEASE = timedelta(seconds=60)


async def claim(db: Database, worker: str, *, as_of=NOW, wall=WALL, limit=100):
    return await outbox.claim(
        db, worker=worker, as_of=as_of, wall_now=wall, lease=LEASE, limit=limit
    )


async def statuses(db: Database) -> dict[str, str]:
    return {n.recipient_id: n.status for n in await outbox.pending(db)}


async def test_migration_matches_the_models(db):
    async with db.engine.connect() as conn:
        diff = await conn.run_sync(
            lambda sync: compare_metadata(MigrationContext.configure(sync), Base.metadata)
        )
    assert diff == []


async def test_enqueue_is_idempotent_revives_cancelled_and_never_resends(db):
    await seed_due_nudges(db, ["UADA0001"], due_at=NOW, now=NOW)
    panel_id = (await outbox.pending(db))[0].panel_id
    planned = PlannedNudge(
        NudgeKind.PREP_ESCALATION, panel_id, None, "UCOORD01", NOW, True, "esc:p1"
    )
    async with db.session() as session:
        await outbox.enqueue(session, [planned, planned], now=NOW)
    async with db.session() as session:
        await outbox.enqueue(session, [planned], now=NOW)
        assert await outbox.open_keys(session, panel_id) >= {"esc:p1"}
    assert len([n for n in await outbox.pending(db) if n.dedupe_key == "esc:p1"]) == 1

    async with db.session() as session:
        await outbox.cancel(session, ["esc:p1"], now=NOW)
        assert "esc:p1" not in await outbox.open_keys(session, panel_id)
    later = PlannedNudge(
        NudgeKind.PREP_ESCALATION,
        panel_id,
        None,
        "UCOORD01",
        NOW + timedelta(hours=1),
        True,
        "esc:p1",
    )
    async with db.session() as session:
        await outbox.enqueue(session, [later], now=NOW)  # revived, with its new due time
    revived = next(n for n in await outbox.pending(db) if n.dedupe_key == "esc:p1")
    assert revived.status == NudgeStatus.PENDING and revived.due_at == later.due_at

    claimed = await claim(db, "w1", as_of=NOW + timedelta(hours=2))
    async with db.session() as session:
        await outbox.settle(
            session, [n.id for n in claimed], Outcome(NudgeStatus.SENT), worker="w1", now=NOW
        )
        await outbox.enqueue(session, [later], now=NOW)  # already sent: stays sent
    assert await outbox.pending(db) == []


async def test_claims_take_due_rows_once_and_lapsed_leases_are_taken_over(db):
    await seed_due_nudges(db, recipient_ids(5), due_at=NOW, now=NOW)
    await seed_due_nudges(db, ["UFUTURE1"], due_at=NOW + timedelta(hours=1), now=NOW)

    first = await claim(db, "w1")
    assert sorted(n.recipient_id for n in first) == recipient_ids(5)  # not the future one
    assert all(n.claimed_by == "w1" and n.lease_until == WALL + LEASE for n in first)
    assert await claim(db, "w2") == []  # held, lease not lapsed

    # w1 stalls past its lease (wall clock); w2 takes the rows over.
    taken = await claim(db, "w2", wall=WALL + LEASE + timedelta(seconds=1))
    assert {n.id for n in taken} == {n.id for n in first}
    async with db.session() as session:
        stale = await outbox.settle(
            session, [n.id for n in first], Outcome(NudgeStatus.SENT), worker="w1", now=NOW
        )
    assert stale == []  # w1's late outcome does not overwrite w2's claim
    assert set((await statuses(db)).values()) == {"claimed", "pending"}

    # Only the simulated clock makes the future nudge due; the wall clock never does.
    far_wall = await claim(db, "w3", wall=WALL + timedelta(days=365))
    assert "UFUTURE1" not in {n.recipient_id for n in far_wall}
    assert [n.recipient_id for n in await claim(db, "w3", as_of=NOW + timedelta(hours=1))] == [
        "UFUTURE1"
    ]


async def test_a_nudge_cancelled_while_in_flight_is_recorded_as_sent(db):
    await seed_due_nudges(db, ["UADA0001", "UBOB0001"], due_at=NOW, now=NOW)
    claimed = await claim(db, "w1")
    async with db.session() as session:
        await outbox.cancel(session, [n.dedupe_key for n in claimed], now=NOW)
    async with db.session() as session:
        done = await outbox.settle(
            session, [claimed[0].id], Outcome(NudgeStatus.SENT, channel="D1"), worker="w1", now=NOW
        )
        kept = await outbox.settle(
            session, [claimed[1].id], Outcome(NudgeStatus.PENDING), worker="w1", now=NOW
        )
    assert done == [claimed[0].id]  # what really happened wins
    assert kept == []  # but a cancelled nudge is never put back


async def test_concurrent_claimers_take_disjoint_rows(database, db):
    """Several engines (separate connections, as separate processes have) claim at once."""
    await seed_due_nudges(db, recipient_ids(300), due_at=NOW, now=NOW)
    url, connect_args = database
    engines = [Database(url, connect_args=connect_args) for _ in range(4)]

    async def drain(worker: int) -> list[int]:
        got: list[int] = []
        while batch := await claim(engines[worker], f"w{worker}", limit=7):
            got += [n.id for n in batch]
        return got

    try:
        results = await asyncio.gather(*(drain(i) for i in range(4)))
    finally:
        await asyncio.gather(*(e.dispose() for e in engines))
    every = [i for r in results for i in r]
    assert len(every) == len(set(every)) == 300
    assert sum(1 for r in results if r) >= 2  # they really did overlap
