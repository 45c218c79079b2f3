"""The one change pipeline: audit, snapshot, re-plan and announce, in the change's transaction.

A service opens ``pipeline.change(...)``, checks who may do what against rows it locks, applies
the change to them and calls ``tx.record(panel, Change(...))``. Recording:

1. writes the audit event (its id names the change's notices);
2. snapshots the panel, prep *and* follow-up state (``scheduling.replan.current_state``);
3. re-plans the panel's time-based nudges from that snapshot (``scheduling.replan.replan``);
4. queues the one-off notices the action owes people (``bot.changes.announce``);

all in the transaction of the change, so a change and its nudges commit or roll back together.
At its end the transaction bumps each changed panel's ``revision`` (what was loaded of it is
stale: ``bot.home.facts``) and, last, the change counter (``bot.changes.counter``).
After the commit the pipeline starts delivering what is due for the changed panels at once, in
the background, instead of at the next tick (best effort: the tick delivers whatever this does
not); the listener meanwhile answers Slack.

The transaction is exclusive (``Database.write_session``): on SQLite the write lock is taken up
front, on PostgreSQL the services lock the panel's row. A change may carry a ``submission`` key
(the modal's view id, the message and button clicked): the same submission arriving twice is
applied once, and the second caller learns it through :class:`AlreadyApplied`.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator, Awaitable, Callable, Iterable, Mapping
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import bindparam, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from bot.changes import announce, counter
from bot.changes.actions import Action
from bot.clock import Clock
from bot.config import Settings
from bot.db import Database
from bot.models import AuditEvent, Panel, Submission
from bot.people import Directory
from scheduling.replan import ZONE_LOOKUP_BUDGET, current_state, replan

log = logging.getLogger(__name__)

Deliver = Callable[[int], Awaitable[object]]
#: Told of every change recorded, inside its transaction (``bot.ats`` queues its own work).
Observer = Callable[["announce.Moment"], Awaitable[None]]


_NEXT_REVISION = (
    update(Panel)
    .where(Panel.id == bindparam("panel_id"))
    .values(revision=Panel.revision + 1)
    .execution_options(synchronize_session=False)
)


class AlreadyApplied(Exception):
    """This submission was applied before; ``panel_id`` is what it produced (if anything)."""

    def __init__(self, panel_id: int | None) -> None:
        super().__init__(f"already applied (P-{panel_id})")
        self.panel_id = panel_id


@dataclass(frozen=True)
class Change:
    """One change to a panel, as the pipeline records it.

    ``detail`` goes into the audit trail (everyone on the panel may read it: no feedback
    content); ``notes`` only reach this change's notices (the previous slot, the packet of a
    panelist replaced, who to remind).
    """

    action: Action
    actor_id: str
    detail: Mapping[str, Any] = field(default_factory=dict)
    notes: Mapping[str, Any] = field(default_factory=dict)


@dataclass
class Transaction:
    """An open change: its session, the people it may concern (the panel's before the change,
    and those named) with the zones found for them, and its moment."""

    session: AsyncSession
    tz_of: dict[str, str]
    now: datetime
    pipeline: ChangePipeline
    concerned: tuple[str, ...] = ()
    changed: list[int] = field(default_factory=list)

    async def record(self, panel: Panel, change: Change) -> AuditEvent:
        """Audit ``change`` to ``panel``, re-plan its nudges and queue what it owes people."""
        return await self.pipeline.record(self, panel, change)


class ChangePipeline:
    def __init__(
        self, db: Database, clock: Clock, settings: Settings, directory: Directory
    ) -> None:
        self.db = db
        self.clock = clock
        self.settings = settings
        self.directory = directory
        self._deliver: Deliver | None = None
        self._deliveries: set[asyncio.Task[None]] = set()
        self._observers: list[Observer] = []
        self._after_commit: list[Callable[[int], None]] = []

    def observe(
        self, observer: Observer, *, after_commit: Callable[[int], None] | None = None
    ) -> None:
        """Call ``observer`` with each change as it is recorded (in its transaction), and
        ``after_commit`` with each changed panel once the change committed."""
        self._observers.append(observer)
        if after_commit is not None:
            self._after_commit.append(after_commit)

    def deliver_with(self, deliver: Deliver | None) -> None:
        """What sends a panel's due nudges right after a change (the dispatcher, one panel);
        None leaves them to the next tick."""
        self._deliver = deliver

    @asynccontextmanager
    async def change(
        self,
        panel_id: int | None = None,
        *,
        people: Iterable[str] = (),
        submission: str | None = None,
        action: Action | None = None,
    ) -> AsyncIterator[Transaction]:
        """An exclusive transaction for one change, then delivery of what it queued.

        The zones of everyone the change may notify (the panel's people and ``people``) are
        looked up before the transaction opens, so no lock is held while Slack answers.
        """
        concerned = await self._people(panel_id, people)
        tz_of = await self._zones_of(concerned)
        async with self.db.write_session() as session:
            tx = Transaction(session, tz_of, self.clock.now(), self, concerned)
            yield tx
            if submission:  # last, so a refusal (the panel was cancelled meanwhile) wins
                changed = tx.changed[0] if tx.changed else None
                await self._take_once(session, submission, action, tx.now, changed)
            # What was loaded of the changed panels (App Home's facts) is out of date now.
            for changed in dict.fromkeys(tx.changed):
                await session.execute(_NEXT_REVISION, {"panel_id": changed})
            # Answers cached across requests go stale with this commit, on every replica.
            await counter.bump(session)
        for changed in dict.fromkeys(tx.changed):
            self._deliver_soon(changed)
            for hook in self._after_commit:
                hook(changed)

    async def record(self, tx: Transaction, panel: Panel, change: Change) -> AuditEvent:
        session = tx.session
        event = AuditEvent(
            panel_id=panel.id,
            actor_id=change.actor_id,
            action=str(change.action),
            detail=dict(change.detail),
            at=tx.now,
        )
        session.add(event)
        await session.flush()
        state = await current_state(session, panel)
        await replan(session, state, self.settings, tx.tz_of, tx.now)
        moment = announce.Moment(
            session, panel, state, change, str(event.id), tx.now, tx.tz_of, tx.concerned
        )
        await announce.ANNOUNCERS[change.action](moment)
        for observer in self._observers:
            await observer(moment)
        tx.changed.append(panel.id)
        return event

    async def replan_panel(
        self, session: AsyncSession, panel_id: int, tz_of: Mapping[str, str]
    ) -> None:
        """Re-plan one panel outside any change (a renewing nudge was just sent or skipped);
        ``tz_of`` was looked up before the caller's transaction opened."""
        panel = await session.get(Panel, panel_id)
        if panel is None:
            return
        state = await current_state(session, panel)
        await replan(session, state, self.settings, tz_of, self.clock.now())

    def _deliver_soon(self, panel_id: int) -> None:
        """Deliver in the background: the caller (a listener) answers Slack first."""
        if self._deliver is None:
            return
        task = asyncio.get_running_loop().create_task(self.deliver_now(panel_id))
        self._deliveries.add(task)
        task.add_done_callback(self._deliveries.discard)

    async def drain(self) -> None:
        """Wait for the deliveries started after changes (tests, the demo, a clean stop)."""
        while self._deliveries:
            await asyncio.gather(*self._deliveries, return_exceptions=True)

    async def deliver_now(self, panel_id: int) -> None:
        if self._deliver is None:
            return
        try:
            await self._deliver(panel_id)
        except Exception:
            log.exception("could not deliver P-%s's notices now; the next tick will", panel_id)

    # ------------------------------------------------------------------ helpers
    async def zones(self, panel_id: int | None, people: Iterable[str]) -> dict[str, str]:
        """Time zones of a panel's people and ``people``, from the directory (cached), within
        ``ZONE_LOOKUP_BUDGET`` so a form is still answered in Slack's 3 seconds: whoever Slack
        is slow on is left out, and their nudges look their zone up when sent."""
        return await self._zones_of(await self._people(panel_id, people))

    async def _people(self, panel_id: int | None, people: Iterable[str]) -> tuple[str, ...]:
        """A panel's people as they are now (before the change about to be made), and
        ``people``."""
        users = list(people)
        if panel_id is not None:
            async with self.db.session() as session:
                panel = await session.get(Panel, panel_id)
                if panel is not None:
                    users += [
                        panel.coordinator_id,
                        panel.hiring_manager_id,
                        panel.recruiter_id,
                        *(p.user_id for p in panel.panelists),
                    ]
        return tuple(u for u in dict.fromkeys(users) if u)

    async def _zones_of(self, wanted: tuple[str, ...]) -> dict[str, str]:
        if not wanted:
            return {}
        found = await self.directory.people(list(wanted), within=ZONE_LOOKUP_BUDGET)
        return {user_id: person.tz for user_id, person in found.items() if person.known}

    async def _take_once(
        self,
        session: AsyncSession,
        key: str,
        action: Action | None,
        now: datetime,
        panel_id: int | None,
    ) -> None:
        """Record the submission key, or raise AlreadyApplied (rolling the change back) if it
        was recorded before.

        Exclusive on SQLite (the write lock is held); on PostgreSQL a concurrent duplicate
        blocks on the primary key until the first transaction ends, then fails on it.
        """
        done = await session.get(Submission, key)
        if done is None:
            row = Submission(key=key, panel_id=panel_id, action=str(action or ""), at=now)
            try:
                async with session.begin_nested():
                    session.add(row)
                return
            except IntegrityError:
                done = await session.get(Submission, key, populate_existing=True)
        raise AlreadyApplied(done.panel_id if done is not None else None)
