"""An Ashby (or Greenhouse) world: the real app with ``HIREBOT_ATS`` set, its fake Slack, and
the fake ATS on loopback, on SQLite and PostgreSQL alike."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import pytest

from bot.devtools.fake_ashby import API_KEY, WEBHOOK_SECRET, FakeAshby, seed_cast
from bot.devtools.harness import Harness
from tests.conftest import NOW

#: The panel the tests schedule in Ashby: Friday 27 Nov 2026, 15:00-16:00 UTC.
START = datetime(2026, 11, 27, 15, 0, tzinfo=UTC)
RESUME = b"%PDF-1.4 Ada Lovelace, analytical engines\n"


@dataclass
class AshbyWorld:
    bot: Harness
    ashby: FakeAshby
    users: dict[str, str]  # Ashby user ids by email
    application: str
    onsite: str  # the panel interview
    form: str
    screen_form: str

    def later(self, **delta: float) -> datetime:
        """An Ashby update time after everything so far (the fake's clock is the test's)."""
        self._tick = getattr(self, "_tick", 0) + 1
        return NOW + timedelta(seconds=self._tick, **delta)

    async def deliver(self, action: str, schedule: dict, *, secret: str | None = None):
        body, headers = self.ashby.webhook(action, schedule, secret=secret)
        return await self.bot.http.post("/ats/ashby/webhook", content=body, headers=headers)

    async def settle(self) -> None:
        """Everything the deliveries set off: imports, résumés, notes, the outbox."""
        for _ in range(3):
            await self.bot.services.ats.drain()
            await self.bot.services.pipeline.drain()
            await self.bot.settled()

    def schedule(self, interviewers: list[str], start: datetime = START, minutes: int = 60) -> dict:
        ids = [self.users[e] for e in interviewers]
        return self.ashby.schedule(
            self.application, self.onsite, start, minutes, ids, at=self.later()
        )


PANEL = ["pat@acme.example", "carlos@acme.example", "lee@acme.example"]


@pytest.fixture
def ats_settings() -> dict:
    return {}


@pytest.fixture
async def world(database, ats_settings) -> AsyncIterator[AshbyWorld]:
    async with ashby_world(database, **ats_settings) as built:
        yield built


@asynccontextmanager
async def ashby_world(database, **extra_settings) -> AsyncIterator[AshbyWorld]:
    """The Ashby world on ``database``; ``extra_settings`` add Teams, or take Slack away."""
    url, connect_args = database
    ashby = FakeAshby()
    await ashby.start()
    users = seed_cast(ashby)
    form = ashby.add_form()
    screen_form = ashby.add_form("Phone screen")
    application = ashby.add_application(
        candidate="Ada Lovelace",
        job_title="Senior Data Engineer",
        description="Own the ingestion pipelines and mentor two engineers.",
        stage="Onsite",
        hiring_team={
            "Hiring Manager": users["hank@acme.example"],
            "Recruiter": users["rita@acme.example"],
            "Recruiting Coordinator": users["cora@acme.example"],
        },
        resume=("Ada Lovelace - CV.pdf", RESUME),
    )
    ashby.add_feedback(
        application,
        users["ronda@acme.example"],
        screen_form,
        {
            "overall_recommendation": {"score": 3},
            "questions_asked": "Tell me about yourself\nWhy are you leaving your job?",
            "notes": {"type": "PlainText", "value": "Strong on SQL; light on streaming."},
        },
        interview="Phone screen",
        at=NOW - timedelta(days=5),
    )
    onsite = ashby.add_interview("Onsite panel", form)
    settings = {
        "ats": "ashby",
        "ashby_api_key": API_KEY,
        "ashby_webhook_secret": WEBHOOK_SECRET,
        "ashby_api_url": ashby.base_url,
        "ats_panel_stages": ("Onsite",),
        **extra_settings,
    }
    try:
        async with Harness.running(url, now=NOW, connect_args=connect_args, **settings) as bot:
            yield AshbyWorld(bot, ashby, users, application, onsite, form, screen_form)
            assert bot.fake.violations == [], bot.fake.violations
    finally:
        await ashby.stop()
