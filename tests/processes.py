"""Running ``hirebot`` as real OS processes against a database and a fake Slack of the test's.

A schema-per-test (the in-process fixtures' trick) needs a connection setting a child process
cannot be given through ``DATABASE_URL``, so PostgreSQL tests get a database of their own.
"""

from __future__ import annotations

import asyncio
import os
import signal
import sys
import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from bot.db import Database
from bot.devtools.fake_slack import FakeSlack
from bot.devtools.outbox_seed import fake_users, recipient_ids, seed_due_nudges
from bot.devtools.people import seed

BOT_TOKEN = "xoxb-hirebot-processes"


@asynccontextmanager
async def process_database(backend: str, tmp_path: Path) -> AsyncIterator[str]:
    """A fresh, empty database URL any process can open; dropped afterwards."""
    if backend == "sqlite":
        yield f"sqlite:///{tmp_path / 'shared.db'}"
        return
    import asyncpg

    admin = os.environ["TEST_DATABASE_URL"].replace("postgresql+asyncpg://", "postgresql://")
    name = f"hirebot_{uuid.uuid4().hex[:12]}"
    conn = await asyncpg.connect(admin)
    await conn.execute(f"CREATE DATABASE {name}")
    try:
        yield admin.rsplit("/", 1)[0] + f"/{name}"
    finally:
        await conn.execute(f"DROP DATABASE {name} WITH (FORCE)")
        await conn.close()


def environment(database_url: str, slack_api_url: str, **settings: str) -> dict[str, str]:
    """The child's whole environment: the contract's settings and nothing from a ``.env``."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("HIREBOT_", "SLACK_"))}
    env.update(
        DATABASE_URL=database_url,
        SLACK_API_URL=slack_api_url,
        SLACK_BOT_TOKEN=BOT_TOKEN,
        PYTHONUNBUFFERED="1",
        **settings,
    )
    return env


@dataclass
class Finished:
    returncode: int
    stdout: str
    stderr: str


async def start_hirebot(*args: str, env: dict[str, str], cwd: Path) -> asyncio.subprocess.Process:
    return await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "bot.cli",
        *args,
        env=env,
        cwd=cwd,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )


async def hirebot(*args: str, env: dict[str, str], cwd: Path, timeout: float = 60) -> Finished:
    """Run ``hirebot …`` to completion (the event loop keeps serving the fake meanwhile)."""
    process = await start_hirebot(*args, env=env, cwd=cwd)
    stdout, stderr = await asyncio.wait_for(process.communicate(), timeout)
    assert process.returncode is not None
    return Finished(process.returncode, stdout.decode(), stderr.decode())


@dataclass
class Served:
    process: asyncio.subprocess.Process
    #: What it logged, once it has stopped.
    stderr: str = ""


@asynccontextmanager
async def serving(
    url: str, fake: FakeSlack, cwd: Path, *, stop_within: float, **settings: str
) -> AsyncIterator[Served]:
    """``hirebot serve`` in a process of its own on any free port, with ``settings``. On
    leaving: SIGTERM, as a deploy sends it; its exit awaited (``stop_within`` seconds at most)
    and its log kept; the fake Slack stopped."""
    env = environment(url, fake.base_url, SLACK_SIGNING_SECRET="secret", PORT="0", **settings)
    served = Served(await start_hirebot("serve", env=env, cwd=cwd))
    try:
        yield served
    finally:
        served.process.send_signal(signal.SIGTERM)
        _, stderr = await asyncio.wait_for(served.process.communicate(), stop_within)
        served.stderr = stderr.decode()
        await fake.stop()


async def seeded(
    url: str, count: int, *, due_at: datetime, latency: float = 0.0, each: int = 1
) -> tuple[FakeSlack, list[str]]:
    """``each`` nudges due at ``due_at`` (on as many panels) for each of ``count`` people, in a
    freshly upgraded database, and a started fake Slack that knows them all."""
    db = Database(url)
    try:
        await db.upgrade()
        people = recipient_ids(count)
        await seed_due_nudges(db, people * each, due_at=due_at, now=due_at)
    finally:
        await db.dispose()
    fake = seed(FakeSlack(latency=latency))
    for user in fake_users(people):
        fake.add_user(user)
    await fake.start()
    return fake, people
