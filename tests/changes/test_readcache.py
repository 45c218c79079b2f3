"""Answers cached across requests are never stale: after any sequence of changes (the
lifecycle state machine's: confirm, decline, replace, plan, remind, reschedule, cancel,
feedback, excuse, decide, update the candidate; time passing; the dispatcher sending and
recording packets), every cached answer equals one computed afresh, for every person.

The answers compared are what people see: ``/panel list``, ``status``, ``stalled`` and
``history`` rendered as Block Kit, and the App Home's view. Each step reads them through the
cache (so the next step starts with them cached), then checks them against fresh ones.
"""

from __future__ import annotations

import asyncio
import os
from typing import Any

import pytest
from hypothesis import HealthCheck, settings
from hypothesis.stateful import invariant, run_state_machine_as_test

from bot.changes import counter
from bot.changes.readcache import ReadCache, SharedCount
from bot.devtools.people import (
    COORDINATOR,
    CROSS,
    HIRING_MANAGER,
    LEADER,
    OUTSIDER,
    PEER,
    RECRUITER,
)
from bot.home.service import HomeService
from bot.panels.service import PanelNotFound
from bot.slack import answers
from bot.slack.home.view import home_view
from tests.conftest import BACKENDS
from tests.test_lifecycle import Lifecycle

READERS = (COORDINATOR, HIRING_MANAGER, RECRUITER, PEER, CROSS, LEADER, OUTSIDER)
EXAMPLES = int(os.environ.get("HIREBOT_READCACHE_EXAMPLES", "6"))
STEPS = int(os.environ.get("HIREBOT_READCACHE_STEPS", "20"))


class CachedAnswers(Lifecycle):
    """The lifecycle, with every person's answers read through the cache after each step."""

    @invariant()
    def cached_answers_are_fresh(self) -> None:
        self.run(self._compare())

    async def _answers(self, fresh: bool) -> dict[str, Any]:
        services = self.bot.services
        # The process's home keeps agendas and panels' facts (by revision); a fresh one neither.
        home = (
            HomeService(services.db, services.clock, services.settings) if fresh else services.homes
        )
        panel_id = 1
        seen: dict[str, Any] = {}
        for user_id in READERS:
            reader = await services.directory.person(user_id)
            listing = (
                await services.panels._listing(user_id, 15)
                if fresh
                else await services.panels.listing(user_id)
            )
            seen[f"list {user_id}"] = answers.listing(listing, reader)
            stalled = (
                await services.reports._stalled(user_id, reader.tz, answers.STALLED_SHOWN)
                if fresh
                else await services.reports.stalled(user_id, reader.tz, limit=answers.STALLED_SHOWN)
            )
            seen[f"stalled {user_id}"] = answers.stalled(stalled, reader)
            try:
                status = (
                    await services.status._status(user_id, panel_id, reader.tz)
                    if fresh
                    else await services.status.status(user_id, panel_id, reader.tz)
                )
                seen[f"status {user_id}"] = answers.status(status, reader)
                history = (
                    await services.reports._history(user_id, panel_id)
                    if fresh
                    else await services.reports.history(user_id, panel_id)
                )
                seen[f"history {user_id}"] = answers.history(history, reader)
            except PanelNotFound:
                seen[f"status {user_id}"] = "not found"
            agenda = await home.agenda(user_id, reader.tz)
            seen[f"home {user_id}"] = home_view(agenda, reader, may_schedule=True)
        return seen

    async def _compare(self) -> None:
        before = self.bot.services.read_cache.hits
        cached = await self._answers(fresh=False)
        fresh = await self._answers(fresh=True)
        for what, answer in fresh.items():
            assert cached[what] == answer, f"cached {what} is stale"
        # Read again with nothing changed: served from the cache, and still the same.
        again = await self._answers(fresh=False)
        assert again == fresh
        assert self.bot.services.read_cache.hits > before
        facts = self.bot.services.homes.facts
        assert facts is not None and facts.loads > 0
        assert await counter.current(self.bot.db) >= 1  # the schedule itself was counted


class PostgresCachedAnswers(CachedAnswers):
    backend = "postgresql"


@pytest.mark.parametrize("backend", BACKENDS)
def test_a_cached_answer_always_equals_a_fresh_one(backend: str) -> None:
    machine = CachedAnswers if backend == "sqlite" else PostgresCachedAnswers
    run_state_machine_as_test(
        machine,
        settings=settings(
            max_examples=EXAMPLES,
            stateful_step_count=STEPS,
            deadline=None,
            suppress_health_check=list(HealthCheck),
        ),
    )


async def test_callers_share_a_count_read_that_starts_after_they_asked(bot):
    """Sixteen callers at once cost one or two reads of the counter, and a caller who asks
    after a change committed always sees it (it never joins a read already under way)."""
    shared = SharedCount(bot.db)
    first = await asyncio.gather(*(shared.current() for _ in range(16)))
    assert len(set(first)) == 1
    assert shared.reads <= 2
    async with bot.db.session() as session:
        await counter.bump(session)
    assert await shared.current() == first[0] + 1
    # A read under way when the change commits is not joined by a later caller.
    under_way = asyncio.ensure_future(shared.current())
    await asyncio.sleep(0)  # the read has started
    async with bot.db.session() as session:
        await counter.bump(session)
    later = await shared.current()
    assert later == first[0] + 2
    assert await under_way in (first[0] + 1, first[0] + 2)


async def test_callers_missing_the_same_answer_share_one_computation(bot):
    """After a change empties the cache, 16 callers asking the same thing compute it once,
    and a caller cancelled meanwhile does not take the answer from the others."""
    cache = ReadCache(bot.db, bot.clock, size=8)
    computed = 0
    release = asyncio.Event()

    async def compute() -> str:
        nonlocal computed
        computed += 1
        await release.wait()
        return f"answer {computed}"

    waiting = [asyncio.ensure_future(cache.answer("list", compute)) for _ in range(16)]
    await asyncio.sleep(0.05)  # all have read the count and joined the one computation
    waiting[0].cancel()
    release.set()
    answers_ = await asyncio.gather(*waiting[1:])
    assert computed == 1
    assert set(answers_) == {"answer 1"}
    assert (cache.misses, cache.shared) == (1, 15)
    # Stored: the next caller is a hit, until a change makes it compute afresh.
    assert await cache.answer("list", compute) == "answer 1"
    async with bot.db.session() as session:
        await counter.bump(session)
    assert await cache.answer("list", compute) == "answer 2"


async def test_a_failed_computation_fails_its_callers_and_is_not_kept(bot):
    cache = ReadCache(bot.db, bot.clock, size=8)
    calls = 0

    async def compute() -> str:
        nonlocal calls
        calls += 1
        await asyncio.sleep(0.01)
        if calls == 1:
            raise RuntimeError("database gone")
        return "fine"

    results = await asyncio.gather(
        *(cache.answer("status", compute) for _ in range(4)), return_exceptions=True
    )
    assert all(isinstance(r, RuntimeError) for r in results)
    assert await cache.answer("status", compute) == "fine"
    assert calls == 2
