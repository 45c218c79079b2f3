"""/api/messages: only Bot Framework, for this bot, about its own service URL, gets in."""

from __future__ import annotations

import pytest
from cryptography.hazmat.primitives.asymmetric import rsa
from sqlalchemy import func, select

from bot.devtools.teams_wire import COORDINATOR, PEER
from bot.models import TeamsConversation, Workspace


async def _references(bot) -> list[TeamsConversation]:
    async with bot.db.session() as session:
        return list(await session.scalars(select(TeamsConversation)))


async def test_a_signed_install_stores_the_reference_and_welcomes(teams):
    response = await teams.wire.install(PEER)
    assert response.status_code == 200, response.text
    rows = await _references(teams.bot)
    assert [(r.aad_object_id, r.tenant_id, r.service_url) for r in rows] == [
        (PEER, teams.fake.tenant_id, teams.fake.service_url)
    ]
    assert rows[0].conversation_id == teams.fake.personal_conversation(PEER)
    assert rows[0].user_id == f"29:{PEER}"
    async with teams.bot.db.session() as session:
        workspace = await session.get(Workspace, rows[0].workspace_id)
        assert (workspace.platform, workspace.external_id) == ("teams", teams.fake.tenant_id)
    welcome = teams.fake.cards_to(PEER)
    assert len(welcome) == 1 and "HireBot runs your interview panels" in str(welcome[0])
    # The outgoing calls carried tokens the fake authority issued, over TLS: the connector's,
    # and Graph's (the welcome is the person's home card, with times in their zone).
    assert sorted(c.body["scope"] for c in teams.fake.calls_to("token")) == [
        "https://api.botframework.com/.default",
        "https://graph.microsoft.com/.default",
    ]
    # Keys came from the metadata document's jwks_uri, once.
    assert len(teams.fake.calls_to("openid.keys")) == 1


def _other_key():
    return rsa.generate_private_key(public_exponent=65537, key_size=2048)


@pytest.mark.parametrize(
    "forge",
    [
        pytest.param(lambda fake, a: "", id="no token"),
        pytest.param(lambda fake, a: "not-a-jwt", id="malformed"),
        pytest.param(lambda fake, a: fake.sign(a, key=_other_key()), id="bad signature"),
        pytest.param(lambda fake, a: fake.sign(a, audience="someone-else"), id="wrong audience"),
        pytest.param(
            lambda fake, a: fake.sign(a, service_url="https://evil.example/teams/"),
            id="mismatched serviceUrl",
        ),
        pytest.param(
            lambda fake, a: fake.sign(a, issuer="https://evil.example"), id="wrong issuer"
        ),
        pytest.param(lambda fake, a: fake.sign(a, lifetime=-3600), id="expired"),
        pytest.param(lambda fake, a: fake.sign(a, kid="unknown-key"), id="unknown key"),
    ],
)
async def test_anything_but_a_valid_token_gets_401_and_changes_nothing(teams, forge):
    activity = teams.wire.activity(COORDINATOR, "installationUpdate", action="add")
    response = await teams.wire.post(activity, token=forge(teams.fake, activity))
    assert response.status_code == 401
    assert await _references(teams.bot) == []
    assert teams.fake.calls_to("activities.send") == []
    assert teams.fake.calls_to("token") == []


async def test_a_key_not_endorsed_for_teams_is_refused(teams):
    teams.fake.endorsements = ("skype",)
    response = await teams.wire.say(COORDINATOR, "help")
    assert response.status_code == 401
    assert teams.fake.calls_to("activities.send") == []


async def test_slack_and_healthz_still_served_next_to_teams(teams):
    response = await teams.bot.http.get("/healthz")
    assert response.status_code == 200
    refused = await teams.bot.http.post("/slack/events", content=b"{}")
    assert refused.status_code == 401
    async with teams.bot.db.session() as session:
        assert await session.scalar(select(func.count()).select_from(TeamsConversation)) == 0


async def test_slow_signing_keys_do_not_stall_the_event_loop(teams):
    """The trap: the SDK's key fetch blocks the loop. HireBot's is async: while the first
    activity waits on slow keys, /healthz answers at once."""
    import asyncio
    import time

    teams.fake.keys_delay = 3.0
    first = asyncio.ensure_future(teams.wire.install(PEER))
    await asyncio.sleep(0.2)  # the activity is now waiting on the keys
    began = time.monotonic()
    health = await teams.bot.http.get("/healthz")
    waited = time.monotonic() - began
    assert health.status_code == 200
    assert waited < 1.5, f"/healthz took {waited:.2f}s while the keys were fetched"
    assert not first.done()
    assert (await first).status_code == 200
    assert len(await _references(teams.bot)) == 1


async def test_keys_are_fetched_before_traffic_and_a_new_key_is_picked_up(teams):
    validator = teams.bot.services.teams.validator
    await validator.refresh()  # what start-up does, before the first request
    fetched = len(teams.fake.calls_to("openid.keys"))
    assert (await teams.wire.install(PEER)).status_code == 200
    assert len(teams.fake.calls_to("openid.keys")) == fetched  # no fetch on the request path
    # Microsoft rolls its keys: a token signed by a key not yet known refreshes them (once).
    teams.fake.kid = "fake-key-2"
    validator._last_forced = -1e9  # the one-a-minute cooldown has passed
    assert (await teams.wire.install(COORDINATOR)).status_code == 200
    assert len(teams.fake.calls_to("openid.keys")) == fetched + 1
