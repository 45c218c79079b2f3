"""Alembic environment: runs on the connection HireBot hands it (see ``bot.db``)."""

from __future__ import annotations

import asyncio

from alembic import context
from sqlalchemy.engine import Connection

from bot.models import Base

config = context.config
target_metadata = Base.metadata


def run_on(connection: Connection) -> None:
    context.configure(
        connection=connection,
        target_metadata=target_metadata,
        render_as_batch=connection.dialect.name == "sqlite",
        compare_type=True,
    )
    with context.begin_transaction():
        context.run_migrations()


def run_online() -> None:
    connection = config.attributes.get("connection")
    if connection is not None:
        run_on(connection)
        return
    # Invoked by the alembic CLI (for example ``alembic revision --autogenerate``).
    import os

    from bot.db import Database

    database = Database(os.environ.get("DATABASE_URL", "sqlite:///./hirebot.db"))

    async def _run() -> None:
        async with database.engine.begin() as conn:
            await conn.run_sync(run_on)
        await database.dispose()

    asyncio.run(_run())


if context.is_offline_mode():
    raise SystemExit("offline migrations are not supported; use `hirebot db upgrade`")
run_online()
