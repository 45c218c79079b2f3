"""Answers cached across requests, for as long as nothing changed: ``/panel list``,
``status``, ``stalled``, ``history`` and the App Home's agenda.

Each answer is stored under (what was asked, the change counter, the minute):

- **the change counter** (``bot.changes.counter``) is read once per request, *before* the
  answer is computed, so an answer stored under a count is at least as new as that count; the
  pipeline bumps it in the transaction of every change, on whichever replica, so an answer
  read after a commit is never one computed before it;
- **the minute** (of the app's clock): answers depend on the time (upcoming or past, business
  days late, what is due), so an entry serves only within the minute it was computed in, and
  what does not go through the pipeline (names from the directory) is at most a minute old.

Requests that arrive while the counter is being read share the *next* read (one that starts
after they all arrived, so each still sees every commit made before it asked): with 16
requests in flight that is one or two reads instead of sixteen.

Requests that miss the same entry together share one computation (the first starts it as a
task of its own; a request cancelled meanwhile does not cancel it for the others): when a change
or a new minute empties the cache under load, each answer is computed once, not once per
caller waiting for it.

A new count or a new minute drops every entry (none can be asked for again), so the cache
holds only this minute's answers since the last change, at most ``HIREBOT_READ_CACHE_SIZE`` of
them (least recently used first out). ``0`` turns caching off (every answer computed afresh).
"""

from __future__ import annotations

import asyncio
from collections import OrderedDict
from collections.abc import Awaitable, Callable, Hashable
from datetime import UTC, datetime
from typing import Any, TypeVar

from bot.changes import counter
from bot.clock import Clock
from bot.db import Database

T = TypeVar("T")


def minute_of(at: datetime) -> datetime:
    return at.replace(second=0, microsecond=0)


class SharedCount:
    """The change count, read once for every caller waiting when the read starts.

    A caller joins the read that has not started yet (or starts one); a read already under
    way may have begun before the caller's last change committed, so nobody joins it."""

    def __init__(self, db: Database) -> None:
        self.db = db
        self._next: asyncio.Future[int] | None = None  # the read callers join
        self._reader: asyncio.Task[None] | None = None
        self.reads = 0

    async def current(self) -> int:
        if self._next is None:
            self._next = asyncio.get_running_loop().create_future()
        joined = self._next
        if self._reader is None or self._reader.done():
            self._reader = asyncio.get_running_loop().create_task(self._read_while_wanted())
        return await asyncio.shield(joined)

    async def _read_while_wanted(self) -> None:
        while self._next is not None:
            wanted, self._next = self._next, None
            self.reads += 1
            try:
                wanted.set_result(await counter.current(self.db))
            except Exception as exc:  # every waiter gets it: the request fails as it would have
                wanted.set_exception(exc)
                wanted.exception()  # retrieved here too: waiters may all have gone


class ReadCache:
    def __init__(self, db: Database, clock: Clock, size: int) -> None:
        self.db = db
        self.clock = clock
        self.size = size
        self._entries: OrderedDict[Hashable, Any] = OrderedDict()
        self._count = -1  # the newest change count seen
        self._minute = datetime.min.replace(tzinfo=UTC)  # and the latest minute
        self._counter = SharedCount(db)
        self._computing: dict[Hashable, asyncio.Task[Any]] = {}
        self.hits = 0
        self.misses = 0
        self.shared = 0  # misses that joined a computation already under way

    async def answer(self, key: Hashable, compute: Callable[[], Awaitable[T]]) -> T:
        """The answer to ``key`` (what was asked, and by whom) as of the last commit: cached,
        or ``compute()``-d and stored. What ``compute`` raises is not stored."""
        if self.size <= 0:
            return await compute()
        count = await self._counter.current()
        minute = minute_of(self.clock.now())
        if count > self._count or minute > self._minute:
            # Answers from before a change, or from a minute gone by, are never asked for again.
            self._entries.clear()
            self._count, self._minute = max(count, self._count), max(minute, self._minute)
        full = (key, count, minute)
        if full in self._entries:
            self._entries.move_to_end(full)
            self.hits += 1
            found: T = self._entries[full]
            return found
        task = self._computing.get(full)
        if task is None:
            self.misses += 1
            task = asyncio.ensure_future(self._compute_and_keep(full, compute))
            task.add_done_callback(_retrieve)
            self._computing[full] = task
        else:
            self.shared += 1
        value: T = await asyncio.shield(task)
        return value

    async def _compute_and_keep(self, full: Hashable, compute: Callable[[], Awaitable[T]]) -> T:
        try:
            value = await compute()
        finally:
            self._computing.pop(full, None)
        self._entries[full] = value
        while len(self._entries) > self.size:
            self._entries.popitem(last=False)
        return value

    def clear(self) -> None:
        self._entries.clear()


def _retrieve(task: asyncio.Task[Any]) -> None:
    """Mark a computation's failure as seen: every request waiting for it may have gone."""
    if not task.cancelled():
        task.exception()


async def cached(cache: ReadCache | None, key: Hashable, compute: Callable[[], Awaitable[T]]) -> T:
    """``cache.answer(key, compute)``, or ``compute()`` where there is no cache."""
    if cache is None:
        return await compute()
    return await cache.answer(key, compute)
