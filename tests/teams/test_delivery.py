"""Reaching people in Teams: references from a team install, the 1:1 chat created when
missing, tokens reused, and each connector failure handled by the outbox's one policy."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from bot.devtools.fake_teams import Fault
from bot.devtools.teams_wire import COORDINATOR, CROSS, HIRING_MANAGER, LEADER, PEER, RECRUITER
from bot.models import Nudge, TeamsConversation
from tests.teams.test_commands import schedule

TEAM = "19:team-hiring@thread.tacv2"


async def install_in_a_team(teams, installer: str, members: tuple[str, ...]) -> None:
    """Teams' conversationUpdate when the app is added to a team: the bot and the team's
    members in ``membersAdded``, the team in channelData, a channel conversation."""
    bot_id = f"28:{teams.fake.app_id}"
    added = [{"id": bot_id}] + [{"id": f"29:{m}", "aadObjectId": m} for m in members]
    activity = teams.wire.activity(
        installer,
        "conversationUpdate",
        membersAdded=added,
        conversation={"id": TEAM, "conversationType": "channel", "tenantId": teams.fake.tenant_id},
        channelData={
            "tenant": {"id": teams.fake.tenant_id},
            "team": {"id": TEAM, "name": "Hiring"},
            "eventType": "teamMemberAdded",
        },
    )
    response = await teams.wire.post(activity)
    assert response.status_code == 200, response.text


async def test_a_team_install_reaches_its_members_and_opens_their_chats(teams):
    everyone = (COORDINATOR, HIRING_MANAGER, RECRUITER, PEER, CROSS, LEADER)
    await install_in_a_team(teams, COORDINATOR, everyone)
    async with teams.bot.db.session() as session:
        rows = {r.aad_object_id: r for r in await session.scalars(select(TeamsConversation))}
    assert set(rows) == set(everyone)
    assert all(r.source == TEAM and r.conversation_id is None for r in rows.values())

    panel = await schedule(teams)
    # Nobody had a 1:1 chat yet: HireBot created one per person, then sent into it.
    created = teams.fake.calls_to("conversations.create")
    assert {c.body["members"][0]["id"] for c in created} >= {
        f"29:{p}" for p in (PEER, CROSS, LEADER)
    }
    assert all(c.body["channelData"]["tenant"]["id"] == teams.fake.tenant_id for c in created)
    assert any(f"Prep packet: {panel.reference}" in str(c) for c in teams.fake.cards_to(PEER))
    async with teams.bot.db.session() as session:
        row = await session.get(TeamsConversation, (teams.fake.tenant_id, PEER))
        assert row.conversation_id == teams.fake.personal_conversation(PEER)
    # One token for every call to the connector, one for Graph.
    scopes = [c.body["scope"] for c in teams.fake.calls_to("token")]
    assert sorted(scopes) == [
        "https://api.botframework.com/.default",
        "https://graph.microsoft.com/.default",
    ]


async def test_someone_hireBot_cannot_reach_fails_and_the_coordinator_is_told(teams):
    for person in (COORDINATOR, HIRING_MANAGER, RECRUITER, PEER, CROSS):  # not Lee
        await teams.wire.install(person)
    panel = await schedule(teams)
    async with teams.bot.db.session() as session:
        lee = list(
            await session.scalars(
                select(Nudge).where(Nudge.panel_id == panel.id, Nudge.recipient_id == LEADER)
            )
        )
    failed = [n for n in lee if n.status == "failed"]
    assert failed and "no conversation reference" in (failed[0].last_error or "")
    alerts = [str(c) for c in teams.fake.cards_to(COORDINATOR) if "Could not reach" in str(c)]
    assert alerts and "Lee Leader" in alerts[-1]


async def test_a_5xx_is_retried_later_and_a_403_is_not(teams):
    for person in (COORDINATOR, HIRING_MANAGER, RECRUITER, PEER, CROSS, LEADER):
        await teams.wire.install(person)
    teams.fake.fail_next("activities.send", Fault(503, code="ServiceUnavailable"), times=50)
    panel = await schedule(teams)
    async with teams.bot.db.session() as session:
        rows = list(await session.scalars(select(Nudge).where(Nudge.panel_id == panel.id)))
    due_now = [n for n in rows if n.kind == "prep_packet"]
    # Put back to try again later (those not tried once Teams looked down, too).
    assert due_now and all(n.status == "pending" for n in due_now)
    assert any("503" in (n.last_error or "") for n in due_now)

    teams.fake.clear_faults()
    teams.fake.users[CROSS].enabled = False  # Carlos left the company: Teams answers 403
    async with teams.bot.db.session() as session:
        row = await session.get(TeamsConversation, (teams.fake.tenant_id, CROSS))
        row.conversation_id = None  # so the chat must be created (and is refused)
    teams.bot.services.teams.references._stored.clear()
    for _ in range(6):  # the outbox's backoff: a few runs, an hour apart, well before the start
        await teams.bot.services.pipeline.drain()
        await teams.bot.run_nudges(teams.bot.clock.now() + timedelta(hours=1))
    await teams.bot.services.pipeline.drain()
    async with teams.bot.db.session() as session:
        packets = {
            n.recipient_id: n
            for n in await session.scalars(select(Nudge).where(Nudge.kind == "prep_packet"))
        }
    # The 503s went out on a later try; Carlos's 403 is final, and the coordinator is told.
    assert packets[PEER].status == "sent" and packets[LEADER].status == "sent"
    assert packets[CROSS].status == "failed" and "403" in (packets[CROSS].last_error or "")
    assert any("Could not reach" in str(c) for c in teams.fake.cards_to(COORDINATOR))


async def test_a_refused_token_is_dropped_and_a_new_one_asked_for(teams):
    for person in (COORDINATOR, HIRING_MANAGER, RECRUITER, PEER, CROSS, LEADER):
        await teams.wire.install(person)
    tokens_before = len(teams.fake.calls_to("token"))
    # The connector stops accepting the cached token (revoked, rotated secret): 401 once.
    teams.fake.fail_next("activities.send", Fault(401, code="Unauthorized"))
    panel = await schedule(teams)
    await teams.bot.run_nudges(teams.bot.clock.now() + timedelta(minutes=10))
    await teams.bot.services.pipeline.drain()
    scopes = [c.body["scope"] for c in teams.fake.calls_to("token")[tokens_before:]]
    assert scopes.count("https://api.botframework.com/.default") == 1  # asked again, once
    async with teams.bot.db.session() as session:
        statuses = {
            (n.kind, n.recipient_id): n.status
            for n in await session.scalars(select(Nudge).where(Nudge.panel_id == panel.id))
        }
    assert all(status == "sent" for (kind, _r), status in statuses.items() if kind == "prep_packet")
