"""Several dispatcher processes on one database, and one killed mid-drain: each nudge goes once.

Real OS processes (``hirebot nudges run``) against a real database and the loopback fake Slack
running in this test's process, which records every message: "exactly once" is checked on what
Slack received, not on what the bot believes it sent.
"""

from __future__ import annotations

import asyncio
import os
import re
import signal
from collections import Counter
from datetime import timedelta

import pytest

from bot.db import Database
from bot.devtools.fake_slack import FakeSlack, dm_channel
from bot.models import NudgeStatus
from tests.conftest import BACKENDS, NOW
from tests.processes import environment, hirebot, process_database, start_hirebot
from tests.processes import seeded as seed_processes

AS_OF = (NOW + timedelta(minutes=1)).isoformat()
CONCURRENCY = 8

needs_postgresql = pytest.mark.skipif(
    "postgresql" not in BACKENDS, reason="several replicas need PostgreSQL (TEST_DATABASE_URL)"
)


async def seeded(
    url: str, count: int, *, latency: float, each: int = 1
) -> tuple[FakeSlack, list[str]]:
    return await seed_processes(url, count, due_at=NOW, latency=latency, each=each)


async def drain_with_replicas(url: str, fake: FakeSlack, replicas: int, tmp_path) -> list[int]:
    """``hirebot nudges run`` in ``replicas`` processes at once; each one's share of the sends
    (the fake Slack is stopped afterwards, its record kept)."""
    try:
        env = environment(url, fake.base_url, HIREBOT_DISPATCH_CONCURRENCY=str(CONCURRENCY))
        runs = await asyncio.gather(
            *(
                hirebot("nudges", "run", "--as-of", AS_OF, env=env, cwd=tmp_path)
                for _ in range(replicas)
            )
        )
    finally:
        await fake.stop()
    assert all(r.returncode == 0 for r in runs), [r.stderr[-2000:] for r in runs]
    shares = [sent_count(r.stdout) for r in runs]
    print(f"\nnudges sent by each of {replicas} replicas: {shares}")
    return shares


def messages_per_person(fake: FakeSlack) -> Counter[str]:
    return Counter(c.args["channel"] for c in fake.calls if c.method == "chat.postMessage" and c.ok)


async def statuses(url: str) -> Counter[str]:
    from sqlalchemy import func, select

    from bot.models import Nudge

    db = Database(url)
    try:
        async with db.session() as session:
            rows = await session.execute(select(Nudge.status, func.count()).group_by(Nudge.status))
            return Counter(dict(rows.all()))
    finally:
        await db.dispose()


def sent_count(stdout: str) -> int:
    match = re.search(r"sent (\d+) nudge", stdout)
    assert match, stdout
    return int(match.group(1))


@needs_postgresql
async def test_three_replicas_drain_2000_nudges_each_exactly_once(tmp_path):
    async with process_database("postgresql", tmp_path) as url:
        fake, people = await seeded(url, 2000, latency=0.01)
        shares = await drain_with_replicas(url, fake, 3, tmp_path)
        assert sum(shares) == 2000
        assert sum(1 for s in shares if s) >= 2, "the replicas did not overlap"
        assert messages_per_person(fake) == Counter({dm_channel(p): 1 for p in people})
        assert await statuses(url) == Counter({NudgeStatus.SENT: 2000})


@needs_postgresql
async def test_two_replicas_send_each_person_one_digest_for_nudges_due_together(tmp_path):
    """Three nudges per person fall due at once; two replicas drain them. Each person's
    nudges are claimed together (one replica, one digest), never split into two messages."""
    async with process_database("postgresql", tmp_path) as url:
        fake, people = await seeded(url, 300, latency=0.01, each=3)
        shares = await drain_with_replicas(url, fake, 2, tmp_path)
        assert sum(shares) == 900
        assert all(shares), "the replicas did not overlap"
        assert messages_per_person(fake) == Counter({dm_channel(p): 1 for p in people})
        assert await statuses(url) == Counter({NudgeStatus.SENT: 900})


@pytest.mark.parametrize("backend", BACKENDS)
async def test_a_dispatcher_killed_mid_drain_loses_nothing_and_doubles_nothing(backend, tmp_path):
    """The process that takes over a lapsed claim first looks in the recipient's DM for the
    message the dead one may have posted (its metadata names the nudge) and records it."""
    lease = 3.0
    async with process_database(backend, tmp_path) as url:
        fake, people = await seeded(url, 600, latency=0.03)
        try:
            env = environment(
                url,
                fake.base_url,
                HIREBOT_DISPATCH_CONCURRENCY=str(CONCURRENCY),
                HIREBOT_DISPATCH_LEASE=f"PT{lease:g}S",
            )
            victim = await start_hirebot("nudges", "run", "--as-of", AS_OF, env=env, cwd=tmp_path)
            while sum(messages_per_person(fake).values()) < 150:
                assert victim.returncode is None, "finished before it could be killed"
                await asyncio.sleep(0.01)
            os.kill(victim.pid, signal.SIGKILL)
            await victim.wait()
            delivered_at_kill = sum(messages_per_person(fake).values())
            await asyncio.sleep(0.2)  # requests the victim had in flight land (or not)

            await asyncio.sleep(lease + 0.5)  # the victim's leases lapse (wall clock)
            restarted = await hirebot("nudges", "run", "--as-of", AS_OF, env=env, cwd=tmp_path)
        finally:
            await fake.stop()
        assert restarted.returncode == 0, restarted.stderr[-2000:]

        received = messages_per_person(fake)
        duplicates = sum(n - 1 for n in received.values())
        found = re.search(r"found already delivered (\d+)", restarted.stdout)
        print(
            f"\n[{backend}] killed after {delivered_at_kill} of 600 messages;"
            f" restart sent {sent_count(restarted.stdout)}, of them"
            f" {found.group(1) if found else 0} found already delivered; duplicates: {duplicates}"
        )
        assert set(received) == {dm_channel(p) for p in people}  # nothing lost
        assert duplicates == 0  # nothing doubled
        assert await statuses(url) == Counter({NudgeStatus.SENT: 600})
        history = [c for c in fake.calls if c.method == "conversations.history"]
        assert history, "the restart never looked for the dead sender's messages"
        assert all(c.args.get("include_all_metadata") in ("true", "1", True) for c in history)
