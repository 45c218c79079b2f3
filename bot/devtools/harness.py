"""The real app wired to the loopback fake Slack: one object for tests, the demo and benchmarks.

Nothing here replaces HireBot's code: requests are signed and posted to the real ASGI app, and
the app's Web API calls travel over HTTP to the fake.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

import httpx
from slack_bolt.async_app import AsyncApp

from bot.clock import FixedClock
from bot.config import Settings, isolated_settings
from bot.db import Database
from bot.devtools.fake_slack import FakeSlack
from bot.devtools.people import seed
from bot.devtools.wire import SlackWire
from bot.models import Nudge, Panel
from bot.people import zone_or_utc
from bot.server import create_asgi
from bot.services import Services, build_services
from bot.slack import ids
from bot.slack.app import build_app
from scheduling.dispatcher import Dispatcher, DispatchReport

SIGNING_SECRET = "test-signing-secret"
BOT_TOKEN = "xoxb-hirebot-test"


@dataclass
class Harness:
    fake: FakeSlack
    db: Database
    clock: FixedClock
    settings: Settings
    services: Services
    app: AsyncApp | None  # None when Teams alone is configured (``slack_bot_token=None``)
    http: httpx.AsyncClient
    wire: SlackWire
    notes: list[str] = field(default_factory=list)

    @classmethod
    @asynccontextmanager
    async def running(
        cls,
        database_url: str,
        *,
        now: datetime,
        connect_args: dict | None = None,
        dispatch_timeout: float | None = None,
        **overrides: Any,
    ) -> AsyncIterator[Harness]:
        """``dispatch_timeout`` shortens the dispatcher's Web API timeout (to test timeouts).
        ``slack_bot_token=None`` with Teams' settings runs a Teams-only deployment: no Bolt app,
        and the fake Slack only watches that nothing reaches it."""
        fake = seed(FakeSlack())
        await fake.start()
        db = Database(database_url, connect_args=connect_args)
        await db.upgrade()
        chosen: dict[str, Any] = {
            "slack_bot_token": BOT_TOKEN,
            "slack_signing_secret": SIGNING_SECRET,
            "slack_api_url": fake.base_url,
            "database_url": database_url,
            **overrides,
        }
        settings = isolated_settings(**chosen)
        clock = FixedClock(now)
        services = build_services(settings, clock, db, dispatch_timeout=dispatch_timeout)
        app = build_app(services) if settings.slack_bot_token else None
        asgi = create_asgi(app, services)
        transport = httpx.ASGITransport(app=asgi)
        http = httpx.AsyncClient(transport=transport, base_url="http://hirebot.test")
        try:
            yield cls(
                fake,
                db,
                clock,
                settings,
                services,
                app,
                http,
                SlackWire(http, SIGNING_SECRET, fake),
            )
        finally:
            await services.pipeline.drain()  # deliveries a change started finish first
            if services.ats is not None:
                await services.ats.drain()
                await services.ats.connector.close()
            await http.aclose()
            await services.slack.close()
            await db.dispose()
            await fake.stop()

    # ------------------------------------------------------------------ scripted journeys
    async def open_scheduler(self, coordinator: str, text: str = "new") -> dict[str, Any]:
        """``/panel new …`` and return the modal the bot opened."""
        before = len(self.fake.calls_to("views.open"))
        response = await self.wire.command(coordinator, text)
        assert response.status_code == 200, response.text
        opened = await self.fake.wait_for("views.open", before + 1)
        return opened[-1]["view"]

    async def schedule(
        self,
        coordinator: str,
        basics: dict[str, Any],
        seats: dict[str, tuple[str, str]] | dict[str, tuple[str, str, str]],
        *,
        confirmed: bool = True,
    ) -> Panel:
        """Drive both steps of the scheduling modal; returns the stored panel.

        ``seats`` maps each panelist to (focus area, perspective[, focus detail]).
        ``confirmed``: wait for the coordinator's confirmation (False when Slack is failing).
        """
        view = await self.open_scheduler(coordinator, f"new {basics.get('candidate', '')}")
        fields = {"panelists": list(seats), **basics}
        step1 = await self.wire.submit(coordinator, view, fields)
        pushed = step1.json()
        assert pushed.get("response_action") == "push", pushed
        focus_view = pushed["view"]
        values: dict[str, Any] = {}
        for user_id, seat in seats.items():
            values[f"focus:{user_id}"] = seat[0]
            values[f"perspective:{user_id}"] = seat[1]
            values[f"detail:{user_id}"] = seat[2] if len(seat) > 2 else ""
        dms_before = len(self.fake.dms_to(coordinator))
        step2 = await self.wire.submit(coordinator, focus_view, values)
        assert step2.json() == {"response_action": "clear"}, step2.text
        if confirmed:
            await self.fake.wait_for(
                "chat.postMessage",
                where=lambda a: a["channel"] == self.dm(coordinator),
                count=dms_before + 1,
            )
        await self.settled()  # the change's delivery: the confirmation and the prep packets
        async with self.db.session() as session:
            from sqlalchemy import select

            return (await session.scalars(select(Panel).order_by(Panel.id.desc()).limit(1))).one()

    async def settled(self, timeout: float = 20.0) -> None:
        """Wait until no nudge due by now is pending or claimed: what a listener delivers
        after its ack (``deliver_now``) has been sent or put off (retry, rate limit). The limit is
        generous because it is a wait, not a timing: a loaded machine must not fail a test."""
        import asyncio
        import time

        from sqlalchemy import func, or_, select

        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            async with self.db.session() as session:
                busy = await session.scalar(
                    select(func.count())
                    .select_from(Nudge)
                    .where(
                        or_(
                            Nudge.status == "claimed",
                            (Nudge.status == "pending") & (Nudge.due_at <= self.clock.now()),
                        )
                    )
                )
            if not busy:
                return
            await asyncio.sleep(0.02)
        raise AssertionError("nudges due now still undelivered after the listener's delivery")

    async def unclaimed(self, timeout: float = 5.0) -> None:
        """Wait until no nudge is claimed: the deliveries under way (a listener's after its ack,
        a dispatcher run's) have recorded their outcome, whatever it was. Unlike ``settled``,
        nudges still pending are no concern of it."""
        import asyncio
        import time

        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            await asyncio.sleep(0.02)
            if not await self.nudges(status="claimed"):
                return
        raise AssertionError(f"nudges still claimed after {timeout:g} s")

    def dm(self, user_id: str) -> str:
        from bot.devtools.fake_slack import dm_channel

        return dm_channel(user_id)

    def local_fields(self, start: datetime, tz: str) -> dict[str, str]:
        """Date, time and zone fields for ``start`` as a person in ``tz`` would pick them."""
        local = start.astimezone(zone_or_utc(tz))
        return {
            "start_date": local.date().isoformat(),
            "start_time": f"{local:%H:%M}",
            ids.TIMEZONE_OPTIONS: tz,
        }

    def later(self, **delta: float) -> datetime:
        return self.clock.now() + timedelta(**delta)

    # ------------------------------------------------------------------ the outbox
    @property
    def dispatcher(self) -> Dispatcher:
        return self.services.dispatcher

    async def run_nudges(self, as_of: datetime | None = None) -> DispatchReport:
        """One dispatcher run as of ``as_of`` (moving the clock there first), like a tick."""
        if as_of is not None:
            self.clock.set(as_of)
        return await self.dispatcher.run_once(self.clock.now())

    async def nudges(self, **where: Any) -> list[Nudge]:
        """Outbox rows matching column values (``status="pending"``), in due order."""
        from sqlalchemy import select

        async with self.db.session() as session:
            query = select(Nudge).filter_by(**where).order_by(Nudge.due_at, Nudge.id)
            return list(await session.scalars(query))
