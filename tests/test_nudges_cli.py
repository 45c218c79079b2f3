"""``hirebot nudges list`` and ``hirebot nudges run``, as an operator or cron runs them."""

from __future__ import annotations

import json
from collections import Counter
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select

from bot.db import Database
from bot.devtools.harness import Harness
from bot.devtools.people import COORDINATOR, CROSS, LEADER, PEER
from bot.models import Nudge
from tests.conftest import BACKENDS, NOW
from tests.factories import scheduled
from tests.processes import environment, hirebot, process_database, seeded, serving


@pytest.fixture(params=BACKENDS)
async def bot(request, tmp_path):
    """The app on a database a child process can open too."""
    async with (
        process_database(request.param, tmp_path) as url,
        Harness.running(url, now=NOW) as harness,
    ):
        yield harness


async def test_list_then_run_as_of_a_later_instant(bot, tmp_path):
    env = environment(bot.settings.database_url, bot.fake.base_url)
    empty = await hirebot("nudges", "list", env=env, cwd=tmp_path)
    assert (empty.returncode, empty.stdout) == (0, "no pending nudges\n")

    await scheduled(bot, COORDINATOR)
    listed = await hirebot(
        "nudges", "list", "--as-of", "2026-11-25T15:00:00Z", env=env, cwd=tmp_path
    )
    assert listed.returncode == 0, listed.stderr
    lines = listed.stdout.splitlines()
    # 4 before the panel, 3 packets closed at its start, 12 after it (feedback, and the
    # candidate-update clock's next two days: tests/followup).
    assert lines[0] == "19 pending nudge(s) as of 2026-11-25 15:00 UTC"
    assert lines[2].split() == [
        "P-1",
        "prep_reminder",
        PEER,
        "2026-11-26",
        "15:00",
        "in",
        "1d",
    ]
    escalation = next(line for line in lines if "prep_escalation" in line)
    assert escalation.split()[1:] == [
        "prep_escalation",
        COORDINATOR,
        "2026-11-27",
        "13:00",
        "in",
        "1d",
        "22h",
    ]

    # Cron, a day later in simulated time: everything due by then goes, once.
    run = await hirebot(
        "nudges", "run", "--as-of", "2026-11-26T17:00:00+00:00", env=env, cwd=tmp_path
    )
    assert run.returncode == 0, run.stderr
    assert run.stdout.strip() == (
        "sent 3 nudge(s) in 3 message(s), skipped 0, failed 0, retry later 0"
    )
    for user_id in (PEER, CROSS, LEADER):
        assert len([m for m in bot.fake.dms_to(user_id) if "Reminder" in m["text"]]) == 1
    again = await hirebot("nudges", "run", "--as-of", "2026-11-26T17:00:00Z", env=env, cwd=tmp_path)
    assert again.stdout.startswith("sent 0 nudge(s)")

    left = await hirebot("nudges", "list", "--as-of", "2026-11-27T14:00:00Z", env=env, cwd=tmp_path)
    assert left.stdout.splitlines()[2:3] == [
        f"P-1      prep_escalation    {COORDINATOR}     2026-11-27 13:00 1h ago"
    ]


async def test_bad_arguments_and_missing_settings_get_one_line(bot, tmp_path):
    env = environment(bot.settings.database_url, bot.fake.base_url)
    bad = await hirebot("nudges", "run", "--as-of", "next tuesday", env=env, cwd=tmp_path)
    assert bad.returncode == 2
    assert bad.stderr.strip() == (
        "hirebot: --as-of 'next tuesday' is not an ISO 8601 instant"
        " (for example 2026-11-26T09:00:00Z)"
    )
    no_token = {k: v for k, v in env.items() if k != "SLACK_BOT_TOKEN"}
    missing = await hirebot("nudges", "run", env=no_token, cwd=tmp_path)
    assert missing.returncode == 2
    assert missing.stderr.strip() == (
        "hirebot: missing setting SLACK_BOT_TOKEN (required for nudges run)"
    )


@pytest.mark.parametrize("backend", BACKENDS)
async def test_serve_ticks_the_dispatcher_and_stops_cleanly(backend, tmp_path):
    """``hirebot serve`` runs APScheduler's tick in its lifespan: due nudges go out unprompted."""
    async with process_database(backend, tmp_path) as url:
        due = datetime.now(UTC) - timedelta(minutes=1)
        fake, _people = await seeded(url, 5, due_at=due)
        db = Database(url)
        async with serving(
            url, fake, tmp_path, stop_within=30, HIREBOT_DISPATCH_INTERVAL="PT0.2S"
        ) as serve:
            await fake.wait_for("chat.postMessage", 5, timeout=30)
        log = serve.stderr
        assert serve.process.returncode == 0, log[-2000:]
        assert "dispatching nudges every 0:00:00.200000" in log
        assert "Scheduler has been shut down" in log and "Traceback" not in log
        async with db.session() as session:
            statuses = set(await session.scalars(select(Nudge.status)))
        await db.dispose()
        assert statuses == {"sent"}


@pytest.mark.parametrize("backend", BACKENDS)
async def test_sigterm_mid_drain_finishes_sends_puts_the_rest_back_and_exits_0(backend, tmp_path):
    """A deploy's SIGTERM while nudges are going out: what Slack accepted is recorded as sent,
    what was claimed but not started is pending again (not left claimed until its lease runs
    out), and the process exits 0. Its log lines are JSON, as ``HIREBOT_LOG_FORMAT`` asked."""
    async with process_database(backend, tmp_path) as url:
        due = datetime.now(UTC) - timedelta(minutes=1)
        # Every send is in flight for a while.
        fake, people = await seeded(url, 12, due_at=due, latency=0.3)
        db = Database(url)
        settings = {"HIREBOT_DISPATCH_CONCURRENCY": "2", "HIREBOT_LOG_FORMAT": "json"}
        async with serving(url, fake, tmp_path, stop_within=60, **settings) as serve:
            await fake.wait_for("chat.postMessage", 1, timeout=30)
        lines = serve.stderr.splitlines()
        assert serve.process.returncode == 0, lines[-20:]

        records = [json.loads(line) for line in lines if line.strip()]
        assert all({"time", "level", "logger", "message"} <= set(r) for r in records)
        messages = [r["message"] for r in records]
        assert "SIGTERM: stopping after the sends in flight" in messages
        assert not any("exc_info" in r for r in records), records

        async with db.session() as session:
            statuses = Counter(await session.scalars(select(Nudge.status)))
        await db.dispose()
        delivered = len(fake.calls_to("chat.postMessage"))
        assert set(statuses) <= {"sent", "pending"}, statuses  # nothing left claimed
        assert statuses["sent"] == delivered  # every message Slack took is recorded
        assert statuses["pending"] == len(people) - delivered > 0  # the rest were put back
