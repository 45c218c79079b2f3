"""Inside ``hirebot serve``: the ATS sync every ``HIREBOT_ATS_SYNC_INTERVAL`` (Greenhouse's
only way in; for Ashby it catches up on any webhook that never arrived) and the ATS task queue
every ``HIREBOT_DISPATCH_INTERVAL``. Like the dispatcher's tick, APScheduler holds only these
two in-memory jobs: the work itself is in the database."""

from __future__ import annotations

import logging
from datetime import UTC, datetime, timedelta

from apscheduler.schedulers.asyncio import AsyncIOScheduler

from bot.ats.sync import AtsService

log = logging.getLogger(__name__)


class AtsRunner:
    def __init__(self, service: AtsService, sync_every: timedelta, tasks_every: timedelta) -> None:
        self.service = service
        self.sync_every = sync_every
        self.tasks_every = tasks_every
        self.scheduler = AsyncIOScheduler(timezone=UTC)

    async def start(self) -> None:
        common = {"max_instances": 1, "coalesce": True}
        self.scheduler.add_job(
            self.sync,
            "interval",
            seconds=self.sync_every.total_seconds(),
            id="hirebot-ats-sync",
            next_run_time=datetime.now(UTC),
            **common,
        )
        self.scheduler.add_job(
            self.tasks,
            "interval",
            seconds=self.tasks_every.total_seconds(),
            id="hirebot-ats-tasks",
            **common,
        )
        self.scheduler.start()
        log.info("%s sync every %s", self.service.label, self.sync_every)

    async def sync(self) -> None:
        try:
            report = await self.service.sync()
            if report.seen or report.tasks_done or report.problems:
                log.info("%s sync: %s", self.service.label, report)
        except Exception:
            log.exception("%s sync failed; the next one tries again", self.service.label)

    async def tasks(self) -> None:
        try:
            await self.service.run_tasks()
        except Exception:
            log.exception("%s tasks failed; the next tick tries again", self.service.label)

    async def stop(self) -> None:
        if self.scheduler.running:
            self.scheduler.shutdown(wait=False)
        await self.service.drain()
        await self.service.connector.close()
