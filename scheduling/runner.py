"""The tick: APScheduler runs the dispatcher every ``HIREBOT_DISPATCH_INTERVAL`` inside serve.

APScheduler holds no nudges, only this one in-memory interval job (its FAQ: a job store cannot
be shared between processes, so the outbox table is the only queue). ``max_instances=1`` and
``coalesce`` keep one run at a time in a process: a run still draining a backlog makes the
next tick wait instead of stacking up. Several replicas may tick at once; the outbox's claim
keeps them from sending the same nudge.
"""

from __future__ import annotations

import logging
from datetime import UTC, datetime, timedelta

from apscheduler.schedulers.asyncio import AsyncIOScheduler

from bot.clock import Clock
from scheduling.dispatcher import Dispatcher

log = logging.getLogger(__name__)

JOB_ID = "hirebot-dispatch"
STOP_GRACE_SECONDS = 30.0


class _SkippedTicks(logging.Filter):
    """A tick that finds the previous run still draining is skipped on purpose
    (``max_instances=1``); APScheduler warns about each one, which would flood the log."""

    def filter(self, record: logging.LogRecord) -> bool:
        return "maximum number of running instances reached" not in record.getMessage()


logging.getLogger("apscheduler.scheduler").addFilter(_SkippedTicks())


class DispatchRunner:
    def __init__(self, dispatcher: Dispatcher, clock: Clock, interval: timedelta) -> None:
        self.dispatcher = dispatcher
        self.clock = clock
        self.interval = interval
        self.scheduler = AsyncIOScheduler(timezone=UTC)

    async def start(self) -> None:
        """Begin ticking (the first tick at once, to pick up whatever fell due while down)."""
        self.scheduler.add_job(
            self.tick,
            "interval",
            seconds=self.interval.total_seconds(),
            id=JOB_ID,
            max_instances=1,
            coalesce=True,
            next_run_time=datetime.now(UTC),
        )
        # APScheduler logs each tick twice at INFO; what a tick did is logged below instead.
        logging.getLogger("apscheduler.executors.default").setLevel(logging.WARNING)
        self.scheduler.start()
        log.info("dispatching nudges every %s", self.interval)

    async def tick(self) -> None:
        try:
            report = await self.dispatcher.run_once(self.clock.now())
            if report.messages or report.skipped or report.failed or report.retry_later:
                log.info("nudges: %s", report)
        except Exception:
            log.exception("dispatch run failed; the next tick tries again")

    async def stop(self) -> None:
        """Stop ticking and let the runs in progress (this tick's, and any a listener started
        to deliver a change's notices at once) finish their sends; claimed rows not yet
        started go back to pending, so a deploy leaves no send half-recorded."""
        if self.scheduler.running:
            self.scheduler.pause()
        self.dispatcher.stop()
        if not await self.dispatcher.stopped(STOP_GRACE_SECONDS):
            log.warning("a dispatch run was still going after %ss", STOP_GRACE_SECONDS)
        if self.scheduler.running:
            self.scheduler.shutdown(wait=False)
