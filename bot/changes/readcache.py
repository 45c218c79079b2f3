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

A new count drops every entry (none can be asked for again); the rest is an LRU of at most
``HIREBOT_READ_CACHE_SIZE`` answers. ``0`` turns caching off (every answer computed afresh).
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Awaitable, Callable, Hashable
from datetime import datetime
from typing import Any, TypeVar

from bot.changes import counter
from bot.clock import Clock
from bot.db import Database

T = TypeVar("T")


def minute_of(at: datetime) -> datetime:
    return at.replace(second=0, microsecond=0)


class ReadCache:
    def __init__(self, db: Database, clock: Clock, size: int) -> None:
        self.db = db
        self.clock = clock
        self.size = size
        self._entries: OrderedDict[Hashable, Any] = OrderedDict()
        self._count = -1  # the newest change count seen
        self.hits = 0
        self.misses = 0

    async def answer(self, key: Hashable, compute: Callable[[], Awaitable[T]]) -> T:
        """The answer to ``key`` (what was asked, and by whom) as of the last commit: cached,
        or ``compute()``-d and stored. What ``compute`` raises is not stored."""
        if self.size <= 0:
            return await compute()
        count = await counter.current(self.db)
        if count > self._count:
            self._entries.clear()  # answers from before a change can never be asked for again
            self._count = count
        full = (key, count, minute_of(self.clock.now()))
        if full in self._entries:
            self._entries.move_to_end(full)
            self.hits += 1
            found: T = self._entries[full]
            return found
        self.misses += 1
        value = await compute()
        self._entries[full] = value
        while len(self._entries) > self.size:
            self._entries.popitem(last=False)
        return value

    def clear(self) -> None:
        self._entries.clear()


async def cached(cache: ReadCache | None, key: Hashable, compute: Callable[[], Awaitable[T]]) -> T:
    """``cache.answer(key, compute)``, or ``compute()`` where there is no cache."""
    if cache is None:
        return await compute()
    return await cache.answer(key, compute)
