"""Fixtures: the real app over signed HTTP, a loopback fake Slack, SQLite and PostgreSQL.

Every database test runs on SQLite and, when ``TEST_DATABASE_URL`` names a PostgreSQL database,
on PostgreSQL too (each test in a schema of its own, dropped afterwards).
"""

from __future__ import annotations

import os
import uuid
from collections.abc import AsyncIterator
from datetime import UTC, datetime

import pytest

from bot.devtools.harness import Harness

#: A Wednesday afternoon, before US Thanksgiving and before no clock change.
NOW = datetime(2026, 11, 25, 15, 0, tzinfo=UTC)

BACKENDS = ["sqlite"] + (["postgresql"] if os.environ.get("TEST_DATABASE_URL") else [])


@pytest.fixture(params=BACKENDS)
async def database(request, tmp_path) -> AsyncIterator[tuple[str, dict]]:
    """A fresh, empty database: (url, connect_args)."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'hirebot.db'}", {}
        return
    import asyncpg

    url = os.environ["TEST_DATABASE_URL"]
    schema = f"t_{uuid.uuid4().hex[:12]}"
    dsn = url.replace("postgresql+asyncpg://", "postgresql://")
    conn = await asyncpg.connect(dsn)
    await conn.execute(f"CREATE SCHEMA {schema}")
    try:
        yield url, {"server_settings": {"search_path": schema}}
    finally:
        await conn.execute(f"DROP SCHEMA {schema} CASCADE")
        await conn.close()


@pytest.fixture
def settings_overrides() -> dict:
    """Override in a test module to change settings (for example coordinators)."""
    return {}


@pytest.fixture
async def bot(database, settings_overrides) -> AsyncIterator[Harness]:
    url, connect_args = database
    async with Harness.running(
        url, now=NOW, connect_args=connect_args, **settings_overrides
    ) as harness:
        yield harness
        # Slack would have rejected anything the fake found invalid.
        assert harness.fake.violations == [], harness.fake.violations
