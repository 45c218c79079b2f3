"""The panel lifecycle as a state machine: random sequences of every change, with time passing
and the dispatcher sending to the fake Slack between them, checked after every step.

Hypothesis' ``RuleBasedStateMachine`` drives the real services (the one change pipeline, the
outbox, the dispatcher, the fake Slack over HTTP) on SQLite and, where ``TEST_DATABASE_URL`` is
set, on PostgreSQL. After every step:

1. the pending nudges are exactly what the policy plans from the panel's current state, minus
   what was already settled (sent, skipped, failed), by dedupe key;
2. nothing is pending, or sent after the fact, for a cancelled panel or for someone no longer
   on it (but the news of the cancellation or the replacement itself);
3. while the candidate's loop is open (no final decision followed by an update), something is
   always pending that will move it forward;
4. nobody gets more than one message of a time-based kind per panel and local day (but the
   recruiter's request to pass a decision on: each decision is news);
5. a refused change changes nothing; nothing due is left undelivered.

``HIREBOT_LIFECYCLE_EXAMPLES`` (default 12) and ``HIREBOT_LIFECYCLE_STEPS`` (default 30) set the
run's size; the README records a longer run.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import tempfile
import uuid
from collections import Counter
from datetime import datetime, timedelta
from typing import Any

import pytest
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import (
    RuleBasedStateMachine,
    initialize,
    invariant,
    rule,
    run_state_machine_as_test,
)
from sqlalchemy import func, select

from bot.changes.pipeline import AlreadyApplied
from bot.devtools.harness import Harness
from bot.devtools.people import (
    COORDINATOR,
    CROSS,
    HIRING_MANAGER,
    LEADER,
    OUTSIDER,
    PEER,
    PEER2,
    RECRUITER,
    ROUND1,
)
from bot.followup.forms import FeedbackInput
from bot.followup.progress import Stage
from bot.followup.service import FeedbackLocked
from bot.models import AuditEvent, Nudge, Panel
from bot.panels.request import Assignment, PanelBasics, Slot
from bot.panels.service import NotAllowed, PanelClosed, PanelNotFound, SlotUnchanged
from bot.people import zone_or_utc
from bot.prep.service import NotYourPacket, ReplacementProblem
from scheduling.kinds import TIME_BASED
from scheduling.nudges import NudgeKind
from scheduling.policy import plan
from scheduling.replan import current_state
from tests.conftest import BACKENDS, NOW

EXAMPLES = int(os.environ.get("HIREBOT_LIFECYCLE_EXAMPLES", "12"))
STEPS = int(os.environ.get("HIREBOT_LIFECYCLE_STEPS", "30"))

REFUSED = (
    AlreadyApplied,
    FeedbackLocked,
    NotAllowed,
    NotYourPacket,
    PanelClosed,
    PanelNotFound,
    ReplacementProblem,
    SlotUnchanged,
)
SEATS = ((PEER, "technical_depth", "peer"), (CROSS, "stakeholder_alignment", "cross_functional"))
STANDBY = (LEADER, PEER2, ROUND1, OUTSIDER)  # who may be brought in as a replacement
OPEN = ("pending", "claimed")
SETTLED = ("sent", "skipped", "failed")
#: Time-based kinds that answer an event rather than repeat a situation: each decision is news
#: the recruiter must pass on, so two decisions in a day ask twice (hold, then final).
PER_DECISION = {NudgeKind.CANDIDATE_UPDATE_REQUEST}
#: What still goes once a panel is cancelled (the news of it), or to someone replaced.
CANCELLATION_NEWS = {NudgeKind.PANEL_CANCELLED, NudgeKind.PACKET_UPDATE, NudgeKind.PREP_INVITE}


class Lifecycle(RuleBasedStateMachine):
    """One panel, one database, one fake Slack per example."""

    backend = "sqlite"

    def __init__(self) -> None:
        super().__init__()
        self.loop = asyncio.new_event_loop()
        self.harness_cm: Any = None
        self.bot: Harness
        self.schema: str | None = None
        self.sqlite_path: str | None = None
        self.removed: dict[str, datetime] = {}  # replaced panelists, and when
        self.cancelled_at: datetime | None = None
        self.click = 0
        self.run(self._start())

    # ------------------------------------------------------------------ plumbing
    def run(self, coroutine: Any) -> Any:
        return self.loop.run_until_complete(coroutine)

    async def _start(self) -> None:
        url, connect_args = await self._database()
        self.harness_cm = Harness.running(url, now=NOW, connect_args=connect_args)
        self.bot = await self.harness_cm.__aenter__()

    async def _database(self) -> tuple[str, dict[str, Any]]:
        if self.backend == "sqlite":
            self.sqlite_path = f"{tempfile.gettempdir()}/hirebot-lifecycle-{uuid.uuid4().hex}.db"
            return f"sqlite:///{self.sqlite_path}", {}
        import asyncpg

        url = os.environ["TEST_DATABASE_URL"]
        self.schema = f"l_{uuid.uuid4().hex[:12]}"
        conn = await asyncpg.connect(url.replace("postgresql+asyncpg://", "postgresql://"))
        await conn.execute(f"CREATE SCHEMA {self.schema}")
        await conn.close()
        return url, {"server_settings": {"search_path": self.schema}}

    def teardown(self) -> None:
        async def stop() -> None:
            await self.harness_cm.__aexit__(None, None, None)
            if self.schema:
                import asyncpg

                url = os.environ["TEST_DATABASE_URL"]
                conn = await asyncpg.connect(url.replace("postgresql+asyncpg://", "postgresql://"))
                await conn.execute(f"DROP SCHEMA {self.schema} CASCADE")
                await conn.close()

        self.run(stop())
        self.loop.close()
        if self.sqlite_path:
            for suffix in ("", "-wal", "-shm"):
                with contextlib.suppress(FileNotFoundError):
                    os.remove(self.sqlite_path + suffix)

    @property
    def now(self) -> datetime:
        return self.bot.clock.now()

    async def panel(self) -> Panel:
        return await self.bot.services.panels.get(1)

    async def settle(self) -> None:
        """Deliveries started by the change finish; then one tick at the current time."""
        await self.bot.services.pipeline.drain()
        await self.bot.dispatcher.run_once(self.now)

    async def outbox(self) -> list[tuple[str, str]]:
        async with self.bot.db.session() as session:
            rows = await session.execute(select(Nudge.dedupe_key, Nudge.status).order_by(Nudge.id))
            return [(key, status) for key, status in rows]

    async def audits(self) -> int:
        async with self.bot.db.session() as session:
            return int(await session.scalar(select(func.count()).select_from(AuditEvent)) or 0)

    def attempt(self, change: Any) -> None:
        """Make a change; if the core refuses it, nothing at all may have changed."""

        async def go() -> None:
            before, audits = await self.outbox(), await self.audits()
            try:
                await change()
            except REFUSED:
                await self.bot.services.pipeline.drain()
                assert await self.outbox() == before, "a refused change touched the outbox"
                assert await self.audits() == audits, "a refused change was audited"
                return
            await self.settle()

        self.run(go())

    async def seat_id(self, index: int) -> str:
        panelists = (await self.panel()).panelists
        return panelists[index % len(panelists)].user_id

    # ------------------------------------------------------------------ the panel
    @initialize(hours=st.integers(1, 120), panelists=st.integers(1, 2))
    def schedule(self, hours: int, panelists: int) -> None:
        start = (self.now + timedelta(hours=hours)).replace(minute=0, second=0, microsecond=0)
        seats = SEATS[:panelists]
        basics = PanelBasics(
            candidate_name="Ada Lovelace",
            role_title="Data Engineer",
            responsibilities="Own the pipelines.",
            round_number=2,
            slot=Slot(start, 60, "America/New_York"),
            format="conversation",
            location="Room 1",
            panelist_ids=tuple(s[0] for s in seats),
            hiring_manager_id=HIRING_MANAGER,
            recruiter_id=RECRUITER,
            resume_url="https://files.example.com/ada.pdf",
            prior_questions=("Tell me about yourself",),
        )
        assignments = tuple(Assignment(u, focus, view) for u, focus, view in seats)
        self.attempt(lambda: self.bot.services.panels.schedule(COORDINATOR, basics, assignments))

    # ------------------------------------------------------------------ time
    @rule(minutes=st.sampled_from([15, 60, 4 * 60, 13 * 60, 24 * 60, 3 * 24 * 60, 6 * 24 * 60]))
    def time_passes(self, minutes: int) -> None:
        self.bot.clock.set(self.now + timedelta(minutes=minutes))
        self.run(self.settle())

    # ------------------------------------------------------------------ prep
    @rule(index=st.integers(0, 3))
    def confirm(self, index: int) -> None:
        async def change() -> None:
            await self.bot.services.prep.confirm(await self.seat_id(index), 1)

        self.attempt(change)

    @rule(index=st.integers(0, 3))
    def decline(self, index: int) -> None:
        async def change() -> None:
            await self.bot.services.prep.decline(await self.seat_id(index), 1, "Travelling")

        self.attempt(change)

    @rule(index=st.integers(0, 3), newcomer=st.sampled_from(STANDBY))
    def replace(self, index: int, newcomer: str) -> None:
        async def change() -> None:
            old = await self.seat_id(index)
            await self.bot.services.prep.replace(COORDINATOR, 1, old, newcomer)
            self.removed[old] = self.now
            self.removed.pop(newcomer, None)

        self.attempt(change)

    @rule(index=st.integers(0, 3))
    def plan_questions(self, index: int) -> None:
        async def change() -> None:
            user = await self.seat_id(index)
            await self.bot.services.questions.save(user, 1, ["Why data?", "Tell me about you"])

        self.attempt(change)

    @rule()
    def remind_now(self) -> None:
        self.click += 1
        click = f"click-{self.click}"
        self.attempt(lambda: self.bot.services.prep.remind_now(COORDINATOR, 1, click))

    # ------------------------------------------------------------------ the owners
    @rule(hours=st.integers(1, 200))
    def reschedule(self, hours: int) -> None:
        start = (self.now + timedelta(hours=hours)).replace(minute=0, second=0, microsecond=0)
        slot = Slot(start, 60, "Europe/London")
        self.attempt(lambda: self.bot.services.panels.reschedule(RECRUITER, 1, slot))

    @rule()
    def cancel(self) -> None:
        async def change() -> None:
            await self.bot.services.panels.cancel(HIRING_MANAGER, 1, "Role closed")
            self.cancelled_at = self.now

        self.attempt(change)

    # ------------------------------------------------------------------ after the panel
    @rule(index=st.integers(0, 3), recommendation=st.sampled_from(["yes", "no"]))
    def feedback(self, index: int, recommendation: str) -> None:
        async def change() -> None:
            data = FeedbackInput(recommendation, 3, "Solid answers.", "", ("Why data?",))
            await self.bot.services.followup.submit_feedback(await self.seat_id(index), 1, data)

        self.attempt(change)

    @rule(index=st.integers(0, 3))
    def excuse(self, index: int) -> None:
        async def change() -> None:
            await self.bot.services.followup.excuse(COORDINATOR, 1, await self.seat_id(index))

        self.attempt(change)

    @rule(outcome=st.sampled_from(["advance", "reject", "hold"]))
    def decide(self, outcome: str) -> None:
        self.attempt(lambda: self.bot.services.followup.decide(HIRING_MANAGER, 1, outcome, "Why"))

    @rule()
    def candidate_updated(self) -> None:
        self.attempt(lambda: self.bot.services.followup.candidate_updated(RECRUITER, 1, "Told"))

    # ------------------------------------------------------------------ the invariants
    @invariant()
    def the_loop_holds(self) -> None:
        self.run(self._check())

    async def _check(self) -> None:
        bot, now = self.bot, self.now
        async with bot.db.session() as session:
            panel = await session.get(Panel, 1)
            if panel is None:
                return
            state = await current_state(session, panel)
            rows = list(await session.scalars(select(Nudge).where(Nudge.panel_id == 1)))
        zones = {u.id: u.tz for u in bot.fake.users.values()}
        by_status: dict[str, set[str]] = {}
        for row in rows:
            by_status.setdefault(row.status, set()).add(row.dedupe_key)
        open_rows = [r for r in rows if r.status in OPEN]
        settled = set().union(*(by_status.get(s, set()) for s in SETTLED))

        # 5. Nothing due is left behind (no faults are injected here).
        late = [(r.kind, r.recipient_id, r.due_at) for r in open_rows if r.due_at <= now]
        assert not late, f"due but not delivered: {late}"

        # 1. Pending time-based nudges are exactly the policy's plan, minus what was settled.
        planned = {n.dedupe_key for n in plan(state, bot.settings, zones, now)}
        pending = {r.dedupe_key for r in open_rows if r.kind in TIME_BASED}
        assert pending == planned - settled, (
            f"pending but not planned: {sorted(pending - planned)};"
            f" planned but not pending: {sorted(planned - settled - pending)}"
        )
        assert all(r.kind in TIME_BASED for r in open_rows), "a one-off notice waits"
        due = {n.dedupe_key: (n.due_at, n.urgent) for n in plan(state, bot.settings, zones, now)}
        mistimed = [
            (r.dedupe_key, r.due_at, due[r.dedupe_key][0])
            for r in open_rows
            if r.dedupe_key in due and (r.due_at, r.urgent) != due[r.dedupe_key]
        ]
        assert not mistimed, f"pending at another time than the policy plans: {mistimed}"

        # 2. Nothing for a cancelled panel, nor for someone no longer on it.
        if panel.is_cancelled:
            assert not open_rows, f"pending for a cancelled panel: {open_rows}"
            assert self.cancelled_at is not None
            after = [
                r.kind
                for r in rows
                if r.status == "sent" and r.sent_at and r.sent_at > self.cancelled_at
            ]
            assert set(after) <= CANCELLATION_NEWS, f"sent after the cancellation: {after}"
        seated = {p.user_id for p in panel.panelists}
        for user_id, left_at in self.removed.items():
            if user_id in seated:
                continue
            mine = [r for r in rows if user_id in (r.recipient_id, r.subject_id)]
            assert not [r for r in mine if r.status in OPEN], f"pending for {user_id}, replaced"
            late_news = [
                r.kind for r in mine if r.status == "sent" and r.sent_at and r.sent_at > left_at
            ]
            assert set(late_news) <= {NudgeKind.PACKET_UPDATE}, late_news

        # 3. An open loop always has something pending that moves it forward.
        progress = state.followup
        assert progress is not None
        if not panel.is_cancelled and progress.stage(now) is not Stage.CLOSED:
            assert pending, f"the loop is open ({progress.stage(now)}) but nothing is pending"

        # 4. One message of a kind per person, panel and local day.
        sent_days = Counter(
            (
                r.recipient_id,
                r.kind,
                r.sent_at.astimezone(zone_or_utc(zones.get(r.recipient_id, "UTC"))).date(),
            )
            for r in rows
            if r.status == "sent"
            and r.sent_at
            and r.kind in TIME_BASED
            and r.kind not in PER_DECISION
        )
        twice = {key: n for key, n in sent_days.items() if n > 1}
        assert not twice, f"more than one message of a kind in a day: {twice}"


class PostgresLifecycle(Lifecycle):
    backend = "postgresql"


@pytest.mark.parametrize("backend", BACKENDS)
def test_the_lifecycle_invariants_hold_for_any_sequence_of_changes(backend: str) -> None:
    machine = Lifecycle if backend == "sqlite" else PostgresLifecycle
    run_state_machine_as_test(
        machine,
        settings=settings(
            max_examples=EXAMPLES,
            stateful_step_count=STEPS,
            deadline=None,
            suppress_health_check=list(HealthCheck),
        ),
    )
