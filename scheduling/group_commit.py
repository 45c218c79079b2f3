"""Group commit: the dispatcher's small writes share transactions instead of queueing for one.

Every send is a renewal before it and a record after it. Written one transaction each, 16 groups
in hand make 16 writers: on SQLite they queue for its one write lock (each waiting in its busy
handler's sleeps), on PostgreSQL each pays its own commit. Here the writes asked for while one
transaction is being written wait for it to end and then go together in the next, so a process
has one outbox transaction at a time and its commits carry many writes each.

Each write still runs after it was asked for (it sees everything committed before), and its
caller learns its outcome only once it has committed. A transaction that fails is not the
fault of every write in it: its writes are tried again one transaction each, so only the one
that fails on its own reports failure.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Sequence
from typing import Any, Generic, TypeVar

from sqlalchemy.ext.asyncio import AsyncSession

from bot.changes import counter
from bot.db import Database

T = TypeVar("T")
R = TypeVar("R")
Work = Callable[[AsyncSession], Awaitable[Any]]


class GroupCommit:
    def __init__(self, db: Database) -> None:
        self.db = db
        self._waiting: list[tuple[Work, bool, asyncio.Future[Any]]] = []
        self._writer: asyncio.Task[None] | None = None
        self.transactions = 0
        self.writes = 0

    async def write(self, work: Callable[[AsyncSession], Awaitable[T]], *, bump: bool = False) -> T:
        """``work(session)``'s result once its transaction committed. ``bump``: the write
        changes what readers see (``bot.changes.counter``), bumped once per transaction, last,
        as in the change pipeline (the counter's lock is always a transaction's last)."""
        done: asyncio.Future[T] = asyncio.get_running_loop().create_future()
        self._waiting.append((work, bump, done))
        if self._writer is None or self._writer.done():
            self._writer = asyncio.get_running_loop().create_task(self._write_waiting())
        return await asyncio.shield(done)

    async def _write_waiting(self) -> None:
        while self._waiting:
            batch, self._waiting = self._waiting, []
            try:
                results = await self._transaction(batch)
            except Exception as exc:
                if len(batch) == 1:
                    _fail(batch[0][2], exc)
                    continue
                for entry in batch:  # alone, so one write's failure is its own
                    try:
                        [result] = await self._transaction([entry])
                    except Exception as alone:
                        _fail(entry[2], alone)
                    else:
                        _succeed(entry[2], result)
                continue
            for (_, _, done), result in zip(batch, results, strict=True):
                _succeed(done, result)

    async def _transaction(self, batch: list[tuple[Work, bool, asyncio.Future[Any]]]) -> list[Any]:
        self.transactions += 1
        self.writes += len(batch)
        async with self.db.session() as session:
            results = [await work(session) for work, _, _ in batch]
            if any(bump for _, bump, _ in batch):
                await counter.bump(session)
        return results


class Merged(Generic[R]):
    """Requests of one kind asked for while one is being written go into the next write as
    one statement (a renewal of many groups' leases, a record of many sends): fewer statements
    on top of fewer transactions. Each request names nudge ids; ``write`` gets every waiting
    request and returns the ids it applied to; each caller learns which of its own were."""

    def __init__(
        self,
        commit: GroupCommit,
        write: Callable[[AsyncSession, list[R]], Awaitable[list[int]]],
        ids_of: Callable[[R], Sequence[int]],
    ) -> None:
        self.commit = commit
        self.write = write
        self.ids_of = ids_of
        self._waiting: list[tuple[R, asyncio.Future[list[int]]]] = []
        self._writer: asyncio.Task[None] | None = None

    async def __call__(self, request: R) -> list[int]:
        done: asyncio.Future[list[int]] = asyncio.get_running_loop().create_future()
        self._waiting.append((request, done))
        if self._writer is None or self._writer.done():
            self._writer = asyncio.get_running_loop().create_task(self._write_waiting())
        return await asyncio.shield(done)

    async def _write_waiting(self) -> None:
        while self._waiting:
            batch, self._waiting = self._waiting, []
            requests = [request for request, _ in batch]

            async def write(session: AsyncSession, requests: list[R] = requests) -> list[int]:
                return await self.write(session, requests)

            try:
                applied = set(await self.commit.write(write))
            except Exception as exc:  # each caller handles it as its own write's failure
                for _, done in batch:
                    _fail(done, exc)
                continue
            for request, done in batch:
                _succeed(done, [i for i in self.ids_of(request) if i in applied])


def _succeed(done: asyncio.Future[Any], result: Any) -> None:
    if not done.done():
        done.set_result(result)


def _fail(done: asyncio.Future[Any], exc: BaseException) -> None:
    if not done.done():
        done.set_exception(exc)
        done.exception()  # retrieved: the caller may have been cancelled meanwhile
