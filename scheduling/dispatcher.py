"""The dispatcher: claim due nudges, re-check them, send them, record what happened.

One ``run_once(as_of)`` claims batches of due nudges until none are left (the next batch is
claimed while the last one is still sending) and delivers them with
``HIREBOT_DISPATCH_CONCURRENCY`` sends in flight, each person getting at most one message a
second. Per batch, a recipient's nudges go out as one message (a digest when there are
several). Failures are sorted by what they mean:

- 429: that recipient waits for Retry-After (the nudge goes back to pending, no attempt
  counted); other recipients are not held up.
- 5xx, timeouts, dropped connections: the nudge's attempt counts and it is retried with
  exponential backoff and jitter; after ``HIREBOT_DISPATCH_MAX_ATTEMPTS`` it is marked failed and
  the panel's coordinator is told (through the outbox, like any other notice). The first such
  failure also opens a circuit breaker: the rest of the batch is put back untouched and later
  runs send a single probe until Slack answers again, so an outage delays the queue instead of
  spending every nudge's attempts.
- a recipient who cannot receive messages, or a request Slack refuses: failed at once, the
  coordinator told.

Exactly-once: every outcome is recorded only while this sender still holds the claim, and a
sender renews its lease before each send (again if the wait for a send slot took half the
lease), with Web API timeouts short enough that the send ends inside it, so it never sends on a
lapsed lease. A send that succeeded but was not recorded (the process was killed in between) is
the only way a nudge can go twice; that is bounded by the groups in hand at the moment of the
crash (renewed but not yet recorded: at most twice the sends in flight), and a sender taking
the nudges over looks for them in the recipient's conversation first.
"""

from __future__ import annotations

import asyncio
import functools
import logging
import os
import random
import secrets
import socket
import time
from collections import defaultdict
from collections.abc import Awaitable, Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, fields, replace
from datetime import datetime, timedelta
from typing import Protocol

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.clock import Clock, SystemClock
from bot.config import Settings
from bot.db import Database
from bot.delivery import Delivery, DeliveryError, PlatformUnavailable, RateLimited
from bot.followup.loading import load_progress
from bot.metrics import Metrics
from bot.models import Nudge, NudgeStatus, Panel
from bot.people import Directory, Person
from bot.platform import ChatPlatform, Digest, Notice, deliver
from scheduling import kinds, outbox
from scheduling.composers import ComposeContext, reader
from scheduling.group_commit import GroupCommit, Merged
from scheduling.nudges import NudgeKind, event_nudge
from scheduling.outbox import Outcome

log = logging.getLogger(__name__)

#: Backoff after the n-th failed attempt: 30 s x 2^n, jittered down to half, capped at 15 min
#: (0.5-1, 1-2, 2-4, 4-8, 7.5-15 min): with the default six attempts a nudge is given up on only
#: after 15 to 30 minutes of failing sends, so a shorter Slack outage delays it but loses nothing.
BACKOFF_FACTOR = 30.0
BACKOFF_CAP = timedelta(minutes=15)
#: Platform calls in one send: one post (after a takeover, opening the conversation and reading
#: a page of its history come first).
CALLS_PER_SEND = 3
#: How far before a dead sender's last lease renewal its DM is searched (clocks of replicas
#: differ a little; Slack's timestamps are its own).
TAKEOVER_MARGIN = timedelta(seconds=5)


class Replanner(Protocol):
    """Re-plans a panel's nudges from its current state (``bot.changes.pipeline``)."""

    async def zones(self, panel_id: int | None, people: Iterable[str]) -> dict[str, str]: ...

    async def replan_panel(
        self, session: AsyncSession, panel_id: int, tz_of: Mapping[str, str]
    ) -> None: ...


def backoff_delay(attempt: int, factor: float, cap: timedelta) -> timedelta:
    """How long a nudge waits after its ``attempt``-th failed send: ``factor`` x 2^attempt,
    half of it fixed and half random ("equal jitter"), so the retries of many nudges that
    failed together (an outage) spread out over minutes instead of arriving as one burst."""
    interval = factor * 2**attempt
    return min(timedelta(seconds=interval / 2 + random.uniform(0, interval / 2)), cap)


#: Claimed but not sent (stopping, or Slack went down meanwhile): pending again, as it was.
PUT_BACK = Outcome(NudgeStatus.PENDING, "put back unsent")


def call_timeout(lease: timedelta, preferred: float) -> float:
    """The platform timeout for the dispatcher's calls: a whole send (every call timing out)
    takes at most half the lease, so no send can outlive the lease it started on."""
    return min(preferred, lease.total_seconds() / (2 * CALLS_PER_SEND))


def _tracked(
    run: Callable[..., Awaitable[DispatchReport]],
) -> Callable[..., Awaitable[DispatchReport]]:
    """Count a dispatcher's runs in progress (ticks, and the deliveries right after a change
    alike), so a stopping process can wait for their sends in flight (``Dispatcher.stopped``)."""

    @functools.wraps(run)
    async def tracked(self: Dispatcher, *args: object, **kwargs: object) -> DispatchReport:
        self._runs += 1
        self._quiet.clear()
        try:
            return await run(self, *args, **kwargs)
        finally:
            self._runs -= 1
            if not self._runs:
                self._quiet.set()

    return tracked


def worker_name() -> str:
    """Who holds a claim: host, process and a random tag (pids are reused across restarts)."""
    return f"{socket.gethostname()}:{os.getpid()}:{secrets.token_hex(3)}"


@dataclass
class DispatchReport:
    """What one run did, counted in nudges (``messages`` counts what Slack received)."""

    sent: int = 0
    messages: int = 0
    skipped: int = 0
    failed: int = 0
    retry_later: int = 0
    lost_lease: int = 0  # sent, but another sender had taken the nudge over meanwhile
    recovered: int = 0  # found delivered by a sender that died, recorded instead of resent

    def __iadd__(self, other: DispatchReport) -> DispatchReport:
        for f in fields(self):
            setattr(self, f.name, getattr(self, f.name) + getattr(other, f.name))
        return self

    def __str__(self) -> str:
        line = (
            f"sent {self.sent} nudge(s) in {self.messages} message(s), skipped {self.skipped},"
            f" failed {self.failed}, retry later {self.retry_later}"
        )
        line += f", lease lost {self.lost_lease}" if self.lost_lease else ""
        return line + (f", found already delivered {self.recovered}" if self.recovered else "")


class Dispatcher:
    def __init__(
        self,
        *,
        db: Database,
        settings: Settings,
        platform: ChatPlatform,
        directory: Directory,
        clock: Clock,
        wall: Clock | None = None,
        worker: str | None = None,
        batch_size: int | None = None,
        backoff_factor: float = BACKOFF_FACTOR,
        backoff_cap: timedelta = BACKOFF_CAP,
        pace: float | None = None,
        replanner: Replanner | None = None,
        metrics: Metrics | None = None,
    ) -> None:
        self.db = db
        self.settings = settings
        self.platform = platform
        self.directory = directory
        self.clock = clock
        self.wall = wall or SystemClock()  # leases are real time, whatever the app clock says
        self.worker = worker or worker_name()
        self.concurrency = settings.dispatch_concurrency
        self.batch_size = batch_size or self.concurrency * 8
        self.lease = settings.dispatch_lease
        self.backoff_factor = backoff_factor
        self.backoff_cap = backoff_cap
        # How far apart one person's messages go: the platform's to say, unless told here.
        self.pace = platform.pace_per_recipient if pace is None else pace
        self.replanner = replanner
        self._slots = asyncio.Semaphore(self.concurrency)  # platform calls in flight
        self._in_hand = asyncio.Semaphore(2 * self.concurrency)  # renewed, not yet recorded
        self._next_send: dict[str, float] = {}  # recipient -> when (monotonic) they may get more
        self._slack_down = False
        self._stopping = False
        self._queued = 0  # recipients' groups claimed but not yet in hand
        self._writes = GroupCommit(db)  # renewals and records share transactions
        self._renewals = Merged(self._writes, self._renew_rows, ids_of=lambda ids: ids)
        self._sent = Merged(self._writes, self._settle_sent_rows, ids_of=lambda sent: sent.ids)
        self.metrics = metrics or Metrics()
        self._runs = 0  # run_once calls in progress
        self._quiet = asyncio.Event()
        self._quiet.set()

    # ------------------------------------------------------------------ running
    @_tracked
    async def run_once(
        self, as_of: datetime | None = None, *, panel_id: int | None = None
    ) -> DispatchReport:
        """Deliver everything due as of ``as_of`` (default: now), then return.

        Claims are pipelined: the next batch is claimed as soon as fewer groups are waiting
        for a send slot than there are slots, so the slots never idle between batches.
        ``panel_id`` limits the run to one panel: a change's notices go out right after the
        change instead of at the next tick (which would still deliver them if this run failed).
        """
        as_of = as_of or self.clock.now()
        report = DispatchReport()
        running: set[asyncio.Task[DispatchReport]] = set()
        more, probe, finished_since_claim = True, False, False
        while True:
            if more and not probe and not self._stopping and self._queued < self.concurrency:
                probe = self._slack_down  # Slack judged down: one nudge tests the water
                batch = await outbox.claim(
                    self.db,
                    worker=self.worker,
                    as_of=as_of,
                    wall_now=self.wall.now(),
                    lease=self.lease,
                    limit=1 if probe else self.batch_size,
                    panel_id=panel_id,
                )
                finished_since_claim = False
                started, skipped = await self._start(batch, as_of, probe)
                running |= started
                report += skipped
                more = bool(batch) and not probe
                if more:
                    continue
            if not running:
                # What just finished may have queued more (a coordinator's failure notice).
                # Only if a claim can start: when another run on this dispatcher holds every
                # queue place, looping here would spin without yielding and starve that run.
                can_claim = self._queued < self.concurrency
                if (
                    finished_since_claim
                    and can_claim
                    and not self._slack_down
                    and not self._stopping
                ):
                    more = True
                    continue
                break
            done, running = await asyncio.wait(running, return_when=asyncio.FIRST_COMPLETED)
            finished_since_claim = True
            for task in done:
                if task.exception():
                    log.error("delivering nudges failed", exc_info=task.exception())
                else:
                    report += task.result()
            if probe and not running:  # the probe is back: carry on if Slack answered
                probe, more = False, not self._slack_down
            elif self._slack_down and not probe:
                more = False  # tripped: the rest goes back; the next run probes
        return report

    def stop(self) -> None:
        """Finish the sends in flight, start no more (claimed rows not started go back)."""
        self._stopping = True

    async def stopped(self, timeout: float) -> bool:
        """After ``stop``: wait for every run in progress to record its sends and put back
        what it claimed but did not start; False if one is still going after ``timeout`` s."""
        try:
            await asyncio.wait_for(self._quiet.wait(), timeout)
        except TimeoutError:
            return False
        return True

    # ------------------------------------------------------------------ one batch
    async def _start(
        self, batch: Sequence[Nudge], as_of: datetime, probe: bool
    ) -> tuple[set[asyncio.Task[DispatchReport]], DispatchReport]:
        """Check the batch's guards, then start one task per recipient: their nudges in this
        batch go out as one message. Returns the tasks and what the guards skipped."""
        skipped = DispatchReport()
        sendable, panels = await self._check(batch, as_of, skipped)
        by_recipient: dict[tuple[str, int | None], list[Nudge]] = defaultdict(list)
        for nudge in sendable:  # earliest due first, so groups start in due order
            alone = nudge.id if not _joins_digest(nudge) else None
            by_recipient[(nudge.recipient_id, alone)].append(nudge)
        self._queued += len(by_recipient)
        self._forget_old_pacing()
        tasks = {
            asyncio.create_task(self._deliver_to(recipient, group, panels, as_of, probe))
            for (recipient, _alone), group in by_recipient.items()
        }
        return tasks, skipped

    async def _check(
        self, batch: Sequence[Nudge], as_of: datetime, report: DispatchReport
    ) -> tuple[list[Nudge], dict[int, Panel]]:
        """Load the batch's panels as they are now; skip (with the reason) what no longer applies.

        Once per batch, not per message: what changes between here and the send (a panel
        cancelled, a panelist confirmed) goes through re-planning, which cancels the nudge, and
        the renewal just before the send sees that.
        """
        zones = await self._series_zones(batch)  # before the transaction: no lock held on Slack
        async with self.db.session() as session:
            panel_ids = {n.panel_id for n in batch}
            found = await session.scalars(select(Panel).where(Panel.id.in_(panel_ids)))
            panels = {p.id: p for p in found}
            # Follow-up kinds are checked against feedback and decisions as they are now.
            after = {n.panel_id for n in batch if _reads_progress(n)}
            progress = await load_progress(
                session, [panels[i] for i in sorted(after) if i in panels]
            )
            sendable: list[Nudge] = []
            skipped: dict[str, list[int]] = defaultdict(list)
            for nudge in batch:
                reason = kinds.skip_reason(
                    nudge, panels.get(nudge.panel_id), as_of, progress.get(nudge.panel_id)
                )
                if reason:
                    skipped[reason].append(nudge.id)
                else:
                    sendable.append(nudge)
            now = self.clock.now()
            renew: set[int] = set()
            for reason, skip_ids in skipped.items():
                done = await outbox.settle(
                    session,
                    skip_ids,
                    Outcome(NudgeStatus.SKIPPED, reason),
                    worker=self.worker,
                    now=now,
                )
                report.skipped += len(done)
                self.metrics.count(self.metrics.nudges_skipped, batch, done)
                renew |= {n.panel_id for n in batch if n.id in done and _renews(n)}
            await self._renew_series(session, renew, zones)
        return sendable, panels

    # ------------------------------------------------------------------ one recipient
    async def _deliver_to(
        self,
        recipient: str,
        nudges: list[Nudge],
        panels: dict[int, Panel],
        as_of: datetime,
        probe: bool,
    ) -> DispatchReport:
        report = DispatchReport()
        ids = [n.id for n in nudges]
        queued = True
        try:
            if self._held_back(probe):
                await self._settle(ids, PUT_BACK)
                return report
            try:
                reader, notice = await self._compose(nudges, panels)
            except Exception as exc:  # a bug composing or rendering: retry, then give up loudly
                log.exception("could not compose nudges %s", ids)
                await self._retry_or_fail(nudges, panels, f"{type(exc).__name__}: {exc}", report)
                return report
            wait = self._next_send.get(recipient, 0.0) - time.monotonic()
            if wait > 0:  # this person had a message less than a second ago
                await asyncio.sleep(wait)
            # From renewal to record a group is "in hand": at most twice the sends in flight,
            # so a crash can double only that many messages, never a backlog of sent but
            # unrecorded ones. The send slot covers the platform call alone: the renewal and
            # the record of one group overlap with other groups' calls, and the calls in
            # flight stay at ``concurrency`` instead of idling through transactions.
            async with self._in_hand:
                self._queued, queued = self._queued - 1, False
                if self._held_back(probe):
                    await self._settle(ids, PUT_BACK)
                    return report
                renewed_at = self.wall.now()
                held = await self._renew(ids)
                if len(held) < len(ids):
                    # Cancelled by re-planning, or taken over after a lapse: not ours to send.
                    # The rest go back, to be grouped afresh with the next batch.
                    await self._settle(held, PUT_BACK)
                    return report
                unsent = await self._already_delivered(reader, nudges, notice, report)
                if len(unsent) < len(nudges):
                    # Some went before the crash: the rest go back, to be composed afresh.
                    await self._settle([n.id for n in unsent], PUT_BACK)
                    return report
                await self._send(
                    recipient, nudges, panels, reader, notice, as_of, report, renewed_at, probe
                )
            return report
        finally:
            if queued:
                self._queued -= 1

    def _held_back(self, probe: bool) -> bool:
        """Stopping, or Slack went down after this batch was claimed (and this is no probe)."""
        return self._stopping or (self._slack_down and not probe)

    async def _compose(
        self, nudges: list[Nudge], panels: dict[int, Panel]
    ) -> tuple[Person, Notice]:
        ctx = ComposeContext(self.directory, self.settings, self.clock.now())
        if any(_reads_db(n) for n in nudges):
            async with self.db.session() as session:
                ctx = replace(ctx, session=session)
                items = [await kinds.compose(n, panels[n.panel_id], ctx) for n in nudges]
        else:
            items = [await kinds.compose(n, panels[n.panel_id], ctx) for n in nudges]
        notice = items[0] if len(items) == 1 else Digest(tuple(items))
        return await reader(nudges[0], self.directory), notice

    async def _already_delivered(
        self, reader: Person, nudges: list[Nudge], notice: Notice, report: DispatchReport
    ) -> list[Nudge]:
        """After a takeover: which of ``nudges`` the sender that died had delivered already.

        The rows were reclaimed from a sender whose lease lapsed; it may have posted before it
        could record it. Every message HireBot posts names its nudges (Slack message metadata),
        and an invite is a file of a known name, so the recipient's DM since that sender's last
        renewal tells. Those found are recorded as sent (with their after-send work); the rest
        are returned, to be sent now. A look-up that fails sends anyway (a possible double is
        better than a lost message)."""
        lapsed = [n.lapsed_lease_until for n in nudges if n.lapsed_lease_until is not None]
        if not lapsed:
            return nudges
        since = min(lapsed) - self.lease - TAKEOVER_MARGIN
        try:
            async with self._slots:  # a platform call like a send: it counts against the limit
                posted = await self.platform.posted_since(reader, since)
        except DeliveryError as exc:
            log.warning("could not look for earlier sends of %s: %s", [n.id for n in nudges], exc)
            return nudges
        file_name = getattr(notice, "filename", None)
        found: dict[int, Delivery] = {}
        for message in posted:
            for nudge_id in message.nudge_ids:
                found.setdefault(nudge_id, message.delivery)
            if file_name and message.file_name == file_name and len(nudges) == 1:
                found.setdefault(nudges[0].id, message.delivery)
        done = [n for n in nudges if n.id in found]
        zones = await self._series_zones(done)
        for delivery in dict.fromkeys(found[n.id] for n in done):
            group = [n for n in done if found[n.id] == delivery]
            settled = await self._record_sent(group, delivery, zones)
            report.sent += len(settled)
            report.recovered += len(settled)
        if done:
            log.warning(
                "nudges %s had been delivered by a sender that died: recorded, not resent",
                [n.id for n in done],
            )
        return [n for n in nudges if n.id not in found]

    async def _renew(self, ids: list[int]) -> list[int]:
        """Just before a send: still ours and still wanted? Then the lease starts afresh, long
        enough for the send to finish inside it (see ``call_timeout``).

        Renewals asked for while one is being written go together in the next one (one
        UPDATE, in a transaction shared with records: ``scheduling.group_commit``): each is
        still written after it was asked for, so it still sees a cancellation committed
        before, and its lease still starts just before its send."""
        return await self._renewals(ids)

    async def _renew_rows(self, session: AsyncSession, requests: list[list[int]]) -> list[int]:
        return await outbox.renew(
            session,
            [i for ids in requests for i in ids],
            worker=self.worker,
            lease_until=self.wall.now() + self.lease,
        )

    async def _settle_sent_rows(self, session: AsyncSession, sends: list[outbox.Sent]) -> list[int]:
        return await outbox.settle_sent(session, sends, worker=self.worker, now=self.clock.now())

    async def _send(
        self,
        recipient: str,
        nudges: list[Nudge],
        panels: dict[int, Panel],
        reader: Person,
        notice: Notice,
        as_of: datetime,
        report: DispatchReport,
        renewed_at: datetime,
        probe: bool,
    ) -> None:
        ids = [n.id for n in nudges]
        try:
            async with self._slots:
                if self._held_back(probe):  # Slack went down while this group waited
                    await self._settle(ids, PUT_BACK)
                    return
                if self.wall.now() - renewed_at > self.lease / 2:
                    # The wait for a slot took half the lease: renew again, so the send (at
                    # most half a lease, see ``call_timeout``) still ends inside the lease.
                    renewed_at = self.wall.now()
                    if len(await self._renew(ids)) < len(ids):
                        await self._settle(ids, PUT_BACK)
                        return
                delivery = await deliver(self.platform, reader, notice, nudge_ids=ids)
        except RateLimited as exc:
            # Back to pending, due after Retry-After: no slot is held while this person waits.
            retry_after = exc.retry_after or self.pace or 1.0
            later = Outcome(
                NudgeStatus.PENDING,
                f"rate limited: {exc}",
                due_at=max(as_of, self.clock.now()) + timedelta(seconds=retry_after),
            )
            done = await self._settle(ids, later)
            report.retry_later += len(done)
            self.metrics.count(self.metrics.nudges_retried, nudges, done)
            return
        except PlatformUnavailable as exc:
            self._trip(exc)
            await self._retry_or_fail(nudges, panels, str(exc), report)
            return
        except DeliveryError as exc:  # the recipient is gone, or the platform refused it
            await self._fail(nudges, panels, str(exc), report)
            return
        self._slack_down = False
        self._next_send[recipient] = time.monotonic() + self.pace
        done = await self._record_sent(nudges, delivery, await self._series_zones(nudges))
        report.messages += 1
        report.sent += len(done)
        self.metrics.messages_sent.inc()
        self.metrics.count(self.metrics.nudges_sent, nudges, done)
        if len(done) < len(ids):
            report.lost_lease += len(ids) - len(done)
            log.warning("sent %s after another sender took some of them over", ids)

    async def _record_sent(
        self,
        nudges: Sequence[Nudge],
        delivery: Delivery,
        zones: Mapping[int, Mapping[str, str]],
    ) -> list[int]:
        """Record ``nudges`` as delivered at ``delivery`` (those this sender still holds), with
        their after-send work and a renewing series' next occurrence, in one transaction (shared
        with other sends' records and renewals: ``scheduling.group_commit``). Most sends have
        neither: theirs is one row each in a statement recording many sends."""
        if not any(_after_sent(n) or _renews(n) for n in nudges):
            sent = outbox.Sent([n.id for n in nudges], delivery.channel, delivery.message_id)
            return await self._sent(sent)

        async def record(session: AsyncSession) -> list[int]:
            done = await outbox.settle(
                session,
                [n.id for n in nudges],
                Outcome(NudgeStatus.SENT, channel=delivery.channel, message_ts=delivery.message_id),
                worker=self.worker,
                now=self.clock.now(),
            )
            sent = [n for n in nudges if n.id in done]
            for nudge in sent:
                record = kinds.record_of(nudge.kind)
                if record is not None and record.after_sent is not None:
                    await record.after_sent(session, nudge, delivery)
            await self._renew_series(session, {n.panel_id for n in sent if _renews(n)}, zones)
            return done

        # Where a packet landed is panel state (``/panel status`` shows it): readers' caches
        # must see the change.
        return await self._writes.write(record, bump=any(_after_sent(n) for n in nudges))

    # ------------------------------------------------------------------ failures
    def _trip(self, exc: DeliveryError) -> None:
        if not self._slack_down:
            log.warning("Slack unavailable (%s): holding the queue, probing once per run", exc)
        self._slack_down = True

    async def _retry_or_fail(
        self, nudges: list[Nudge], panels: dict[int, Panel], error: str, report: DispatchReport
    ) -> None:
        """Count the attempt; back off, or give up once the attempts are spent."""
        spent = [n for n in nudges if n.attempts + 1 >= self.settings.dispatch_max_attempts]
        if spent:
            await self._fail(spent, panels, error, report, count_attempt=True)
        now = self.clock.now()
        for nudge in nudges:
            if nudge in spent:
                continue
            delay = backoff_delay(nudge.attempts + 1, self.backoff_factor, self.backoff_cap)
            later = Outcome(NudgeStatus.PENDING, error, due_at=now + delay, count_attempt=True)
            done = await self._settle([nudge.id], later)
            report.retry_later += len(done)
            self.metrics.count(self.metrics.nudges_retried, [nudge], done)

    async def _fail(
        self,
        nudges: list[Nudge],
        panels: dict[int, Panel],
        error: str,
        report: DispatchReport,
        *,
        count_attempt: bool = True,
    ) -> None:
        """Mark failed and, in the same transaction, queue the coordinator's notice of it."""
        now = self.clock.now()
        async with self.db.session() as session:
            done = await outbox.settle(
                session,
                [n.id for n in nudges],
                Outcome(NudgeStatus.FAILED, error, count_attempt=count_attempt),
                worker=self.worker,
                now=now,
            )
            for nudge in (n for n in nudges if n.id in done):
                log.error("giving up on nudge %s (%s): %s", nudge.id, nudge.dedupe_key, error)
                await self._tell_coordinator(session, nudge, panels[nudge.panel_id], error, now)
        report.failed += len(done)
        self.metrics.count(self.metrics.nudges_failed, nudges, done)

    async def _tell_coordinator(
        self, session: AsyncSession, nudge: Nudge, panel: Panel, error: str, now: datetime
    ) -> None:
        if nudge.kind == NudgeKind.NUDGE_FAILED or nudge.recipient_id == panel.coordinator_id:
            return  # the coordinator is the one we cannot reach: nobody left to tell
        # The event is the failed nudge: one alert per nudge given up on.
        alert = event_nudge(
            NudgeKind.NUDGE_FAILED,
            panel.id,
            f"n{nudge.id}",
            panel.coordinator_id,
            now,
            subject_id=nudge.recipient_id,
        )
        what = {
            "kind": nudge.kind,
            "what": kinds.label(nudge.kind),
            "recipient": nudge.recipient_id,
            "error": error,
        }
        await outbox.enqueue(session, [alert], now=now, payload=lambda _: what)

    # ------------------------------------------------------------------ helpers
    async def _series_zones(self, nudges: Sequence[Nudge]) -> dict[int, dict[str, str]]:
        """People's zones for the panels whose series a settle may renew, looked up before the
        recording transaction opens (the directory may ask Slack: no lock is held meanwhile)."""
        if self.replanner is None:
            return {}
        panel_ids = sorted({n.panel_id for n in nudges if _renews(n)})
        return {p: await self.replanner.zones(p, ()) for p in panel_ids}

    async def _renew_series(
        self, session: AsyncSession, panel_ids: set[int], zones: Mapping[int, Mapping[str, str]]
    ) -> None:
        """A repeating nudge went (or was skipped): re-plan its panel, in the transaction that
        records it, so the series plans its next occurrence for as long as the situation lasts."""
        if self.replanner is None:
            return
        for panel_id in sorted(panel_ids):
            await self.replanner.replan_panel(session, panel_id, zones.get(panel_id, {}))

    async def _settle(self, ids: Sequence[int], outcome: Outcome) -> list[int]:
        async with self.db.session() as session:
            return await outbox.settle(
                session, ids, outcome, worker=self.worker, now=self.clock.now()
            )

    def _forget_old_pacing(self) -> None:
        if len(self._next_send) > 10_000:
            now = time.monotonic()
            self._next_send = {r: t for r, t in self._next_send.items() if t > now}


def _joins_digest(nudge: Nudge) -> bool:
    record = kinds.record_of(nudge.kind)
    return record is None or record.joins_digest


def _after_sent(nudge: Nudge) -> bool:
    record = kinds.record_of(nudge.kind)
    return record is not None and record.after_sent is not None


def _reads_progress(nudge: Nudge) -> bool:
    record = kinds.record_of(nudge.kind)
    return record is not None and bool(record.progress_guards)


def _reads_db(nudge: Nudge) -> bool:
    record = kinds.record_of(nudge.kind)
    return record is not None and record.reads_db


def _renews(nudge: Nudge) -> bool:
    record = kinds.record_of(nudge.kind)
    return record is not None and record.renews
