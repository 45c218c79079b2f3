"""The ATS into Teams: people matched through Microsoft Graph by email, the panel made in the
Teams tenant, its packets and résumés sent as cards; with Slack too, the platform that knows
the coordinator takes the panel, and nothing reaches the other."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from datetime import timedelta
from urllib.parse import urlparse

import pytest
from sqlalchemy import select

from bot.ats.store import AtsLink, AtsTask
from bot.devtools import people as slack_people
from bot.devtools import teams_wire as cast
from bot.devtools.fake_teams import FakeTeams, Fault
from bot.devtools.teams_wire import TeamsWire, fake_teams_running, teams_settings
from bot.models import Panel, PriorRound, Workspace
from tests.ats.conftest import PANEL, RESUME, START, AshbyWorld, ashby_world
from tests.ats.test_greenhouse import greenhouse_world

PUBLIC = "https://hirebot.test"
#: Everyone on the interview who is in Teams: the app is installed for them.
TEAMS_PEOPLE = (
    cast.COORDINATOR,
    cast.HIRING_MANAGER,
    cast.RECRUITER,
    cast.PEER,
    cast.CROSS,
    cast.LEADER,
    cast.PEER2,
)


@dataclass
class TeamsAts:
    world: AshbyWorld
    fake: FakeTeams
    wire: TeamsWire

    @property
    def slack(self):
        return self.world.bot.fake

    async def scheduled(self, interviewers=PANEL) -> dict:
        schedule = self.world.schedule(interviewers)
        response = await self.world.deliver("interviewScheduleCreate", schedule)
        assert response.status_code == 200, response.text
        await self.world.settle()
        return schedule

    def cards(self, aad: str, containing: str) -> list[dict]:
        return [
            c for c in self.fake.cards_to(aad) if containing in json.dumps(c, ensure_ascii=False)
        ]

    async def panel(self) -> tuple[Panel, Workspace]:
        async with self.world.bot.db.session() as session:
            (panel,) = await session.scalars(select(Panel))
            return panel, await session.get(Workspace, panel.workspace_id)


@asynccontextmanager
async def teams_ashby(database, *, slack: bool) -> AsyncIterator[TeamsAts]:
    async with fake_teams_running() as fake:
        settings = {**teams_settings(fake), "public_url": PUBLIC}
        if not slack:
            settings["slack_bot_token"] = None  # Teams alone
        async with ashby_world(database, **settings) as world:
            wire = TeamsWire(world.bot.http, fake)
            for person in TEAMS_PEOPLE:
                assert (await wire.install(person)).status_code == 200
            yield TeamsAts(world, fake, wire)
            await world.settle()
            assert fake.violations == [], fake.violations


@pytest.fixture
async def teams_only(database) -> AsyncIterator[TeamsAts]:
    async with teams_ashby(database, slack=False) as built:
        yield built


@pytest.fixture
async def side_by_side(database) -> AsyncIterator[TeamsAts]:
    async with teams_ashby(database, slack=True) as built:
        yield built


def resume_links(teams: TeamsAts, aad: str) -> list[str]:
    return [
        action["url"]
        for content in teams.cards(aad, "Résumé")
        for action in content.get("actions") or []
        if action.get("type") == "Action.OpenUrl" and "/files/" in action["url"]
    ]


async def test_an_ashby_panel_in_a_teams_only_deployment_reaches_every_panelist_in_teams(
    teams_only,
):
    teams = teams_only
    await teams.scheduled()
    panel, workspace = await teams.panel()
    assert (workspace.platform, workspace.external_id) == ("teams", teams.fake.tenant_id)
    assert (panel.coordinator_id, panel.hiring_manager_id, panel.recruiter_id) == (
        cast.COORDINATOR,
        cast.HIRING_MANAGER,
        cast.RECRUITER,
    )
    # Pat's mail is stored capitalised; Lee signs in under another name: both found by mail.
    assert [p.user_id for p in panel.panelists] == [cast.PEER, cast.CROSS, cast.LEADER]
    assert panel.timezone == "America/New_York"  # the coordinator's mailbox zone

    for aad in (cast.PEER, cast.CROSS, cast.LEADER):
        (packet,) = [c for c in teams.cards(aad, "P-1") if "Tell me about yourself" in str(c)]
        assert "Strong on SQL" in json.dumps(packet)  # round 1, from Ashby's scorecard
        (link,) = resume_links(teams, aad)
        assert urlparse(link).netloc == "hirebot.test"
        shared = await teams.world.bot.http.get(urlparse(link).path)
        assert shared.status_code == 200 and shared.content == RESUME
    assert resume_links(teams, cast.COORDINATOR) == []  # only panelists get the file

    async with teams.world.bot.db.session() as session:
        (prior,) = await session.scalars(select(PriorRound))
        assert prior.interviewer_ids == [cast.ROUND1]  # round-1 interviewer, found in Graph
        (link,) = await session.scalars(select(AtsLink))
        assert link.people["pat@acme.example"] == cast.PEER
        assert link.unmatched == []
    # Graph was asked with a default eq filter on mail or sign-in name, only for what is used.
    lookups = [c.body for c in teams.fake.calls_to("graph.users")]
    assert {
        "$filter": "mail eq 'pat@acme.example' or userPrincipalName eq 'pat@acme.example'",
        "$select": "id,displayName,jobTitle,mail,userPrincipalName,accountEnabled",
    } in lookups
    assert not any("ConsistencyLevel" in c.headers for c in teams.fake.calls_to("graph.users"))
    assert teams.slack.calls == []  # no Slack in this deployment


async def test_someone_ashby_names_but_teams_does_not_know_is_named_to_the_coordinator(
    teams_only,
):
    teams = teams_only
    await teams.scheduled([*PANEL, "nora@contractor.example"])
    panel, _ = await teams.panel()
    assert [p.user_id for p in panel.panelists] == [cast.PEER, cast.CROSS, cast.LEADER]
    (note,) = teams.cards(cast.COORDINATOR, "couldn't be found")
    assert "nora@contractor.example" in json.dumps(note)
    assert "the panel was created for everyone else" in json.dumps(note)
    assert teams.slack.calls == []


async def test_an_interviewer_swapped_in_ashby_is_found_in_teams_and_takes_the_seat(teams_only):
    teams = teams_only
    schedule = await teams.scheduled()
    swapped = teams.world.ashby.swap_interviewer(
        schedule["id"],
        teams.world.users["carlos@acme.example"],
        teams.world.users["priya@acme.example"],
        at=teams.world.later(),
    )
    await teams.world.deliver("interviewScheduleUpdate", swapped)
    await teams.world.settle()
    panel, _ = await teams.panel()
    assert [p.user_id for p in panel.panelists] == [cast.PEER, cast.PEER2, cast.LEADER]
    assert len(resume_links(teams, cast.PEER2)) == 1
    # Carlos's résumé card now says it was removed, and its link no longer works.
    (gone,) = resume_links(teams, cast.CROSS)
    assert (await teams.world.bot.http.get(urlparse(gone).path)).status_code == 404


async def test_an_interviewer_only_added_in_ashby_is_named_to_the_coordinator_by_name(
    teams_only,
):
    teams = teams_only
    schedule = await teams.scheduled()
    stored = teams.world.ashby.schedules[schedule["id"]]
    priya = teams.world.ashby.users[teams.world.users["priya@acme.example"]]
    stored["interviewEvents"][0]["interviewers"].append(dict(priya))
    stored["updatedAt"] = teams.world.later().isoformat().replace("+00:00", "Z")
    await teams.world.deliver("interviewScheduleUpdate", json.loads(json.dumps(stored)))
    await teams.world.settle()
    (note,) = teams.cards(cast.COORDINATOR, "added interviewer")
    shown = json.dumps(note, ensure_ascii=False)
    assert "Priya Peer" in shown and cast.PEER2 not in shown  # a name, never a raw id


async def test_a_graph_429_waits_for_retry_after_and_then_loses_nothing(teams_only):
    teams = teams_only
    teams.fake.fail_next("graph.users", Fault(429, retry_after="30", code="TooManyRequests"))
    schedule = teams.world.schedule(PANEL)
    await teams.world.deliver("interviewScheduleCreate", schedule)
    await teams.world.settle()
    async with teams.world.bot.db.session() as session:
        assert list(await session.scalars(select(Panel))) == []
        (task,) = await session.scalars(select(AtsTask))
        assert (task.kind, task.status, task.attempts) == ("import", "pending", 0)
        assert task.due_at == teams.world.bot.clock.now() + timedelta(seconds=30)
        assert "429" in task.last_error
    await teams.world.bot.services.ats.run_tasks(
        teams.world.bot.clock.now() + timedelta(seconds=30)
    )
    await teams.world.settle()
    panel, workspace = await teams.panel()
    assert workspace.platform == "teams"
    assert [p.user_id for p in panel.panelists] == [cast.PEER, cast.CROSS, cast.LEADER]
    for aad in (cast.PEER, cast.CROSS, cast.LEADER):
        assert len([c for c in teams.cards(aad, "P-1") if "Tell me about yourself" in str(c)]) == 1
        assert len(resume_links(teams, aad)) == 1


async def test_a_graph_outage_backs_off_and_the_next_try_makes_the_panel(teams_only):
    teams = teams_only
    teams.fake.fail_next("graph.users", Fault(503, code="serviceNotAvailable"))
    await teams.world.deliver("interviewScheduleCreate", teams.world.schedule(PANEL))
    await teams.world.settle()
    async with teams.world.bot.db.session() as session:
        (task,) = await session.scalars(select(AtsTask))
        assert (task.status, task.attempts) == ("pending", 1)
    await teams.world.bot.services.ats.run_tasks(
        teams.world.bot.clock.now() + timedelta(minutes=20)
    )
    await teams.world.settle()
    panel, _ = await teams.panel()
    assert len(panel.panelists) == 3


# --- Slack and Teams side by side --------------------------------------------------------------


async def test_a_coordinator_only_in_teams_puts_the_panel_in_teams_and_nothing_goes_to_slack(
    side_by_side,
):
    teams = side_by_side
    del teams.slack.users[slack_people.COORDINATOR]  # Cora moved to Teams; the rest are in both
    await teams.scheduled()
    panel, workspace = await teams.panel()
    assert (workspace.platform, panel.coordinator_id) == ("teams", cast.COORDINATOR)
    assert [p.user_id for p in panel.panelists] == [cast.PEER, cast.CROSS, cast.LEADER]
    assert len(resume_links(teams, cast.PEER)) == 1
    # Slack was asked only whether it knows the coordinator, and was sent nothing.
    assert [c.method for c in teams.slack.calls] == ["users.lookupByEmail"]
    assert teams.slack.calls[0].args["email"] == "cora@acme.example"


async def test_a_coordinator_only_in_slack_puts_the_panel_in_slack_and_nothing_goes_to_teams(
    side_by_side,
):
    teams = side_by_side
    del teams.fake.users[cast.COORDINATOR]
    sends_before = len(teams.fake.calls_to("activities.send"))
    lookups_before = len(teams.fake.calls_to("graph.users"))
    await teams.scheduled()
    panel, workspace = await teams.panel()
    assert (workspace.platform, panel.coordinator_id) == ("slack", slack_people.COORDINATOR)
    assert [p.user_id for p in panel.panelists] == [
        slack_people.PEER,
        slack_people.CROSS,
        slack_people.LEADER,
    ]
    shared = teams.slack.files_in(teams.world.bot.dm(slack_people.PEER))
    assert [f["bytes"] for f in shared if str(f.get("title")).startswith("Résumé")] == [RESUME]
    assert len(teams.fake.calls_to("activities.send")) == sends_before
    asked = [c.body["$filter"] for c in teams.fake.calls_to("graph.users")[lookups_before:]]
    assert asked == ["mail eq 'cora@acme.example' or userPrincipalName eq 'cora@acme.example'"]


async def test_a_coordinator_in_both_leaves_it_to_who_knows_more_people_ties_going_to_slack(
    side_by_side,
):
    teams = side_by_side
    await teams.scheduled()  # everyone is in both: a tie
    panel, workspace = await teams.panel()
    assert (workspace.platform, panel.coordinator_id) == ("slack", slack_people.COORDINATOR)


async def test_a_coordinator_in_both_and_more_people_in_teams_puts_the_panel_in_teams(
    side_by_side,
):
    teams = side_by_side
    for gone in (slack_people.PEER, slack_people.CROSS):
        del teams.slack.users[gone]
    await teams.scheduled()
    panel, workspace = await teams.panel()
    assert (workspace.platform, panel.coordinator_id) == ("teams", cast.COORDINATOR)
    assert [p.user_id for p in panel.panelists] == [cast.PEER, cast.CROSS, cast.LEADER]
    sent = [c for c in teams.slack.calls if c.method != "users.lookupByEmail"]
    assert sent == []


# --- Greenhouse ---------------------------------------------------------------------------------


async def test_a_greenhouse_sync_in_a_teams_only_deployment_makes_the_panel_in_teams(database):
    async with (
        fake_teams_running() as fake,
        greenhouse_world(
            database, **teams_settings(fake), public_url=PUBLIC, slack_bot_token=None
        ) as gworld,
    ):
        wire = TeamsWire(gworld.bot.http, fake)
        for person in TEAMS_PEOPLE:
            await wire.install(person)
        gworld.schedule(PANEL)
        # A permission not granted (403) stops the sync there; once granted, nothing was lost.
        fake.fail_next("graph.users", Fault(403, code="Authorization_RequestDenied"))
        refused = await gworld.sync()
        assert refused.created == 0 and "403" in " ".join(refused.problems), refused
        report = await gworld.sync()
        assert report.created == 1, report
        async with gworld.bot.db.session() as session:
            (panel,) = await session.scalars(select(Panel))
            workspace = await session.get(Workspace, panel.workspace_id)
        assert (workspace.platform, panel.coordinator_id) == ("teams", cast.COORDINATOR)
        assert [p.user_id for p in panel.panelists] == [cast.PEER, cast.CROSS, cast.LEADER]
        for aad in (cast.PEER, cast.CROSS, cast.LEADER):
            packets = [c for c in fake.cards_to(aad) if "P-1" in json.dumps(c)]
            assert any("What is your notice period?" in json.dumps(c) for c in packets)
        # After the panel, the feedback ask opens the scorecard in Greenhouse, not a dialog.
        await gworld.bot.run_nudges(START + timedelta(hours=1))
        (ask,) = [c for c in fake.cards_to(cast.PEER) if "Your feedback" in json.dumps(c)]
        (action,) = ask["actions"]
        assert action["type"] == "Action.OpenUrl"
        assert f"application_id={gworld.application}" in action["url"]
        assert gworld.bot.fake.calls == []
        assert fake.violations == [], fake.violations
