"""Greenhouse through both wires: the sync polls the fake Harvest v3 (OAuth token, Link-header
pages, deletions), and the fake Slack shows what people got."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select

from bot.ats import greenhouse
from bot.devtools.fake_greenhouse import CLIENT_ID, CLIENT_SECRET, FakeGreenhouse, seed_cast
from bot.devtools.harness import Harness
from bot.devtools.people import COORDINATOR, CROSS, HIRING_MANAGER, LEADER, PEER, RECRUITER
from bot.models import AuditEvent, Feedback, Panel
from tests.conftest import NOW

START = datetime(2026, 11, 27, 15, 0, tzinfo=UTC)
RESUME = b"%PDF-1.4 Grace Hopper, compilers\n"


@dataclass
class GreenhouseWorld:
    bot: Harness
    gh: FakeGreenhouse
    users: dict[str, int]
    application: int
    onsite: int

    async def sync(self):
        report = await self.bot.services.ats.sync()
        for _ in range(3):
            await self.bot.services.ats.drain()
            await self.bot.services.pipeline.drain()
            await self.bot.settled()
        return report

    def schedule(
        self, emails: list[str], start: datetime = START, *, at: datetime | None = None
    ) -> int:
        return self.gh.schedule(
            self.application,
            self.onsite,
            start,
            60,
            [self.users[e] for e in emails],
            organizer=self.users["cora@acme.example"],
            at=at or NOW,
        )


@pytest.fixture
async def gworld(database) -> AsyncIterator[GreenhouseWorld]:
    async with greenhouse_world(database) as built:
        yield built


@asynccontextmanager
async def greenhouse_world(database, **extra_settings) -> AsyncIterator[GreenhouseWorld]:
    """The Greenhouse world on ``database``; ``extra_settings`` add Teams, or take Slack away."""
    url, connect_args = database
    gh = FakeGreenhouse()
    await gh.start()
    users = seed_cast(gh)
    application = gh.add_application(
        first="Grace",
        last="Hopper",
        job="Staff Compiler Engineer",
        description_html="<p>Own the <b>compiler</b> toolchain.</p><ul><li>Mentor two engineers</li></ul>",
        hiring_team={
            "hiring_managers": [users["hank@acme.example"]],
            "recruiters": [users["rita@acme.example"]],
            "coordinators": [users["cora@acme.example"]],
        },
        resume=("grace-hopper.pdf", RESUME),
    )
    screen = gh.add_job_interview(application, "Phone screen", "Recruiter screen")
    gh.add_scorecard(
        application,
        None,
        users["ronda@acme.example"],
        "yes",
        [
            ("Why are you looking to leave?", "Wants a bigger scope."),
            ("What is your notice period?", "One month."),
        ],
        at=NOW - timedelta(days=4),
        interview_name="Recruiter screen",
    )
    _ = screen
    onsite = gh.add_job_interview(application, "Onsite", "Panel interview")
    settings = {
        "ats": "greenhouse",
        "greenhouse_client_id": CLIENT_ID,
        "greenhouse_client_secret": CLIENT_SECRET,
        "greenhouse_api_url": gh.base_url,
        "greenhouse_token_url": gh.token_url,
        "ats_panel_stages": ("Onsite",),
        **extra_settings,
    }
    try:
        async with Harness.running(url, now=NOW, connect_args=connect_args, **settings) as bot:
            yield GreenhouseWorld(bot, gh, users, application, onsite)
            assert bot.fake.violations == [], bot.fake.violations
    finally:
        await gh.stop()


PANEL = ["pat@acme.example", "carlos@acme.example", "lee@acme.example"]


async def panels(world: GreenhouseWorld) -> list[Panel]:
    async with world.bot.db.session() as session:
        return list(await session.scalars(select(Panel).order_by(Panel.id)))


def resumes_in(world: GreenhouseWorld, user_id: str) -> list[dict]:
    shared = world.bot.fake.files_in(world.bot.dm(user_id))
    return [f for f in shared if str(f.get("title", "")).startswith("Résumé")]


async def test_the_sync_turns_a_greenhouse_interview_into_a_panel_with_resume_and_round_one(
    gworld, monkeypatch
):
    monkeypatch.setattr(greenhouse, "PER_PAGE", 2)  # several pages, followed by Link header
    for hour in (1, 2, 3):  # other interviews of the same application, not panels
        gworld.gh.schedule(
            gworld.application,
            gworld.gh.add_job_interview(gworld.application, "Phone screen", f"Screen {hour}"),
            START + timedelta(hours=hour),
            30,
            [],
            organizer=None,
            at=NOW,
        )
    gworld.schedule(PANEL)
    report = await gworld.sync()
    assert (report.created, report.ignored) == (1, 3), report
    (panel,) = await panels(gworld)
    assert (panel.candidate.name, panel.role.title) == ("Grace Hopper", "Staff Compiler Engineer")
    assert panel.role.responsibilities == "Own the compiler toolchain.\n• Mentor two engineers"
    assert (panel.coordinator_id, panel.hiring_manager_id, panel.recruiter_id) == (
        COORDINATOR,
        HIRING_MANAGER,
        RECRUITER,
    )
    assert [p.user_id for p in panel.panelists] == [PEER, CROSS, LEADER]
    assert panel.location == "https://zoom.example.com/j/123 · Berlin office, room 3"
    for user in (PEER, CROSS, LEADER):
        (packet,) = [m for m in gworld.bot.fake.dms_to(user) if "P-1" in m["text"]]
        assert "What is your notice period?" in json.dumps(packet["blocks"])
        assert [r["bytes"] for r in resumes_in(gworld, user)] == [RESUME]
    cursors = [c for c in gworld.gh.calls_to("interviews") if "cursor" in c]
    assert cursors and all(set(c) == {"cursor"} for c in cursors)  # the Link URL, as given
    tokens = [c for c in gworld.gh.calls if c.path == "/token"]
    assert len(tokens) == 1  # one token, reused


async def test_a_move_in_greenhouse_reschedules_and_a_sync_with_nothing_new_changes_nothing(gworld):
    interview = gworld.schedule(PANEL)
    await gworld.sync()
    gworld.gh.move(interview, START + timedelta(days=1), 60, at=NOW + timedelta(minutes=5))
    gworld.bot.clock.set(NOW + timedelta(minutes=10))
    report = await gworld.sync()
    assert report.moved == 1
    (panel,) = await panels(gworld)
    assert panel.starts_at == START + timedelta(days=1)
    again = await gworld.sync()
    assert again.moved == again.created == 0
    async with gworld.bot.db.session() as session:
        actions = [e.action for e in await session.scalars(select(AuditEvent))]
    assert actions == ["scheduled", "rescheduled"]


async def test_an_interview_deleted_in_greenhouse_cancels_the_panel_and_removes_the_resumes(gworld):
    interview = gworld.schedule(PANEL)
    await gworld.sync()
    gworld.gh.delete(interview)
    report = await gworld.sync()
    assert report.cancelled == 1
    (panel,) = await panels(gworld)
    assert panel.is_cancelled
    assert all(resumes_in(gworld, u) == [] for u in (PEER, CROSS, LEADER))


async def test_the_feedback_ask_links_to_the_scorecard_and_a_greenhouse_scorecard_counts(gworld):
    interview = gworld.schedule(PANEL)
    await gworld.sync()
    await gworld.bot.run_nudges(START + timedelta(hours=1))
    (ask,) = [m for m in gworld.bot.fake.dms_to(PEER) if "Your feedback" in m["text"]]
    shown = json.dumps(ask["blocks"])
    assert "Write your scorecard in Greenhouse" in shown
    assert "people/" in shown and f"application_id={gworld.application}" in shown
    assert "feedback_open" not in shown  # no HireBot form to fill twice
    gworld.gh.add_scorecard(
        gworld.application,
        interview,
        gworld.users["pat@acme.example"],
        "strong_yes",
        [("Design a register allocator", "Great")],
        at=START + timedelta(hours=2),
    )
    gworld.bot.clock.set(START + timedelta(hours=3))
    await gworld.sync()
    async with gworld.bot.db.session() as session:
        (row,) = await session.scalars(select(Feedback))
    assert (row.author_id, row.recommendation) == (PEER, "strong_yes")
    assert row.questions_asked == ["Design a register allocator"]
    reminders = {
        n.recipient_id: n.status for n in await gworld.bot.nudges(kind="feedback_reminder")
    }
    assert reminders[PEER] == "cancelled" and reminders[CROSS] == "pending"


async def test_a_greenhouse_outage_loses_nothing(gworld):
    gworld.schedule(PANEL)
    gworld.gh.down = True
    report = await gworld.sync()
    assert report.problems and report.created == 0
    assert await panels(gworld) == []
    gworld.gh.down = False
    gworld.gh.fail_next(429, retry_after=5)  # and a rate limit on the way back
    report = await gworld.sync()
    assert report.created == 0 and "rate limited" in report.problems[0]
    report = await gworld.sync()
    assert report.created == 1
    assert len(resumes_in(gworld, PEER)) == 1


async def test_an_expired_attachment_url_is_listed_afresh(gworld):
    gworld.gh.expire_next_links = 2  # the sync's own listing and the first download's
    gworld.schedule(PANEL)
    await gworld.sync()
    for user in (PEER, CROSS, LEADER):
        assert [r["bytes"] for r in resumes_in(gworld, user)] == [RESUME]
