"""Exactly once in Teams through a crash: a sender killed between sending and recording.

Real OS processes (``hirebot nudges run``) against a real database and the fake Microsoft in
this test's process. The fake delivers the victim's last messages and then leaves those
requests unanswered, so the victim is SIGKILLed with messages out that it never recorded;
once its leases lapse, a second run takes over. It reads each person's 1:1 chat back through
Graph, finds the cards marked with its nudges, and records them instead of sending again. With
Graph's permission missing (403) it still delivers everything, at least once, and says so once.
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
from bot.devtools.fake_teams import FakeTeams
from bot.devtools.teams_seed import seed_teams_nudges, teams_people
from bot.devtools.teams_wire import fake_teams_running
from bot.models import NudgeStatus
from tests.conftest import BACKENDS, NOW
from tests.processes import environment, hirebot, process_database, start_hirebot
from tests.test_replicas import sent_count, statuses

AS_OF = (NOW + timedelta(minutes=1)).isoformat()
PEOPLE = 40
DELIVERED_BEFORE_CRASH = 12
CONCURRENCY = 8
LEASE = 3.0
FALLBACK_LOG = "Graph refused to list HireBot's chat messages (403)"


def teams_environment(url: str, fake: FakeTeams) -> dict[str, str]:
    return environment(
        url,
        "http://127.0.0.1:9/api/",  # no Slack here: nothing may go there
        TEAMS_APP_ID=fake.app_id,
        TEAMS_APP_PASSWORD=fake.app_password,
        TEAMS_TENANT_ID=fake.tenant_id,
        TEAMS_OPENID_METADATA_URL=fake.metadata_url,
        TEAMS_LOGIN_URL=fake.login_url,
        GRAPH_API_URL=fake.graph_url,
        SSL_CERT_FILE=fake.ca_file,
        HIREBOT_DISPATCH_CONCURRENCY=str(CONCURRENCY),
        HIREBOT_DISPATCH_LEASE=f"PT{LEASE:g}S",
    )


def messages_per_chat(fake: FakeTeams) -> Counter[str]:
    return Counter(conv for conv, _id in fake.activities)


async def crash_then_take_over(backend: str, tmp_path, *, graph_granted: bool):
    """Seed, run a victim until it has messages out it never recorded, SIGKILL it, let its
    leases lapse, run again. Returns (fake, people, the restart's result, messages held)."""
    async with process_database(backend, tmp_path) as url, fake_teams_running() as fake:
        fake.tenant_limit = None  # about crashes, not throttling (tests/teams/test_tenant_limit)
        fake.chat_messages_granted = graph_granted
        fake.hold_sends_after = DELIVERED_BEFORE_CRASH
        people = teams_people(PEOPLE)
        db = Database(url)
        try:
            await db.upgrade()
            await seed_teams_nudges(db, fake, people, due_at=NOW, now=NOW)
        finally:
            await db.dispose()
        env = teams_environment(url, fake)

        victim = await start_hirebot("nudges", "run", "--as-of", AS_OF, env=env, cwd=tmp_path)
        while fake.held < CONCURRENCY:  # every send slot holds a delivered, unanswered send
            assert victim.returncode is None, "finished before it could be killed"
            await asyncio.sleep(0.01)
        os.kill(victim.pid, signal.SIGKILL)
        await victim.wait()
        held = fake.held
        fake.release_held()

        await asyncio.sleep(LEASE + 0.5)  # the victim's leases lapse (wall clock)
        restarted = await hirebot("nudges", "run", "--as-of", AS_OF, env=env, cwd=tmp_path)
        assert restarted.returncode == 0, restarted.stderr[-2000:]
        graph_reads = fake.calls_to("graph.chatMessages")
        assert graph_reads, "the restart never looked for the dead sender's messages"
        assert all(c.body.get("$orderby") == "createdDateTime desc" for c in graph_reads)
        assert all(int(c.body.get("$top", 0)) <= 50 for c in graph_reads)
        return fake, people, restarted, held, await statuses(url)


@pytest.mark.parametrize("backend", BACKENDS)
async def test_a_sender_killed_between_sending_and_recording_sends_exactly_once(backend, tmp_path):
    fake, people, restarted, held, rows = await crash_then_take_over(
        backend, tmp_path, graph_granted=True
    )
    received = messages_per_chat(fake)
    found = re.search(r"found already delivered (\d+)", restarted.stdout)
    print(
        f"\n[{backend}] killed with {held} messages delivered but unrecorded; the restart"
        f" sent {sent_count(restarted.stdout)}, of them {found.group(1) if found else 0}"
        " found in the chats through Graph"
    )
    assert set(received) == {fake.personal_conversation(p) for p in people}  # nothing lost
    assert sum(n - 1 for n in received.values()) == 0  # nothing doubled
    assert found and int(found.group(1)) == held  # each unrecorded send was found, not resent
    assert rows == Counter({NudgeStatus.SENT: PEOPLE})


@pytest.mark.parametrize("backend", BACKENDS)
async def test_without_graphs_permission_a_takeover_still_delivers_and_says_so_once(
    backend, tmp_path
):
    fake, people, restarted, held, rows = await crash_then_take_over(
        backend, tmp_path, graph_granted=False
    )
    received = messages_per_chat(fake)
    assert set(received) == {fake.personal_conversation(p) for p in people}  # nothing lost
    # At least once: what the victim delivered unrecorded goes again, and only that.
    assert sum(n - 1 for n in received.values()) == held
    assert "found already delivered" not in restarted.stdout
    assert restarted.stderr.count(FALLBACK_LOG) == 1, restarted.stderr[-2000:]
    assert rows == Counter({NudgeStatus.SENT: PEOPLE})
