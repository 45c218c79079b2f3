"""The outbox's tests work on a migrated database of their own, without the app around it."""

from __future__ import annotations

import pytest

from bot.db import Database


@pytest.fixture
async def db(database):
    url, connect_args = database
    database = Database(url, connect_args=connect_args)
    await database.upgrade()
    yield database
    await database.dispose()
