"""What the database holds, for assertions."""

from __future__ import annotations

from sqlalchemy import func, select

from bot.devtools.harness import Harness


async def count(bot: Harness, model: type) -> int:
    """How many rows of ``model`` there are."""
    async with bot.db.session() as session:
        return int(await session.scalar(select(func.count()).select_from(model)) or 0)
