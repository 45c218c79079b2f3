"""The change counter: one row the pipeline bumps in the transaction of every change, so a
reader learns with one cheap statement whether anything committed since it last looked.

Why a row and not ``max(audit_events.id)``: ids are handed out when a transaction inserts, not
when it commits, so on PostgreSQL a change with a smaller id can commit after a reader saw a
larger one. The counter's UPDATE takes the row's lock until commit, so two changes bump it one
after the other, and the value a reader sees is that of the last commit it can see.
"""

from __future__ import annotations

from sqlalchemy import BindParameter, String, bindparam, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from bot.db import Database
from bot.models import ChangeCounter

#: What every change to a panel (and the record of a packet's delivery) bumps.
PANELS = "panels"

_SCOPE: BindParameter[str] = bindparam("counter_scope", type_=String())
_BUMP = (
    update(ChangeCounter)
    .where(ChangeCounter.scope == _SCOPE)
    .values(n=ChangeCounter.n + 1)
    .execution_options(synchronize_session=False)
)
_READ = select(ChangeCounter.n).where(ChangeCounter.scope == _SCOPE)


async def bump(session: AsyncSession, scope: str = PANELS) -> None:
    """Count one more change, in the caller's transaction, as its last statement: the row's
    lock is then held only while the transaction commits, and no transaction waits for another
    lock while holding it (so it can never be part of a deadlock)."""
    await session.execute(_BUMP, {"counter_scope": scope})


async def current(db: Database, scope: str = PANELS) -> int:
    """The count as of now: what has committed, on every replica."""
    async with db.session() as session:
        return (await session.scalar(_READ, {"counter_scope": scope})) or 0
