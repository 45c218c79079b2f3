"""The Teams home card: Slack's App Home for Teams, through the wire.

Sent on install (the welcome) and on ``home``; kept current by Universal Actions' refresh (an
``adaptiveCard/action`` invoke with ``trigger: automatic``, answered with the asker's own
home) and updated in place (same activity id) when the person's panels change.
"""

from __future__ import annotations

import json
from datetime import timedelta

from sqlalchemy import select, update

from bot.devtools.fake_teams import card_of
from bot.devtools.home_seed import seed_active_panels
from bot.devtools.teams_wire import COORDINATOR, CROSS, OUTSIDER, PEER
from bot.models import Panelist, TeamsHomeCard
from bot.panels.request import Slot
from bot.teams.cards import CARD_CONTENT_TYPE, MAX_CARD_BYTES, card_problems
from bot.teams.home_card import HOME_REFRESH
from tests.teams.test_commands import install_everyone, schedule

HOME = "HireBot: your panels"


async def stored_home(teams, aad: str) -> TeamsHomeCard | None:
    async with teams.bot.db.session() as session:
        return await session.get(TeamsHomeCard, aad)


async def home_now(teams, aad: str) -> tuple[str, dict]:
    """(activity id, card) of the person's home card as it reads in the chat now."""
    row = await stored_home(teams, aad)
    assert row is not None, f"no home card for {aad}"
    activity = teams.fake.message(aad, row.activity_id)
    assert activity is not None, "the stored home card is not in the chat"
    content = card_of(activity)
    assert content is not None and card_problems(content) == []
    return row.activity_id, content


def homes_sent(teams, aad: str) -> list[dict]:
    return [c for c in teams.fake.cards_to(aad) if HOME in json.dumps(c, ensure_ascii=False)]


async def settle(teams) -> None:
    await teams.bot.services.pipeline.drain()
    await teams.bot.settled()
    await teams.bot.services.pipeline.drain()


async def test_install_welcomes_with_the_home_card_and_a_change_updates_it_in_place(teams):
    await install_everyone(teams)
    welcome = teams.fake.cards_to(PEER)
    assert len(welcome) == 1 and HOME in str(welcome[0])
    assert "Nothing needs you right now" in str(welcome[0])
    # The refresh names the person alone, by their Teams id (the "user MRI", 29:…).
    refresh = welcome[0]["refresh"]
    assert refresh["userIds"] == [f"29:{PEER}"]
    assert refresh["action"]["type"] == "Action.Execute"
    assert refresh["action"]["verb"] == HOME_REFRESH
    first_id, _ = await home_now(teams, PEER)

    panel = await schedule(teams)
    await settle(teams)
    # The same message, updated in place: the packet's news is on the home.
    activity_id, content = await home_now(teams, PEER)
    assert activity_id == first_id
    text = json.dumps(content, ensure_ascii=False)
    assert "Review your prep packet" in text and panel.reference in text
    assert "Ada ∗Lovelace∗" in text  # user text stays text
    puts = [c.path for c in teams.fake.calls_to("activities.update")]
    assert any(path.endswith(f"/activities/{first_id}") for path in puts)
    assert len(homes_sent(teams, PEER)) == 1  # no second home was posted
    # The coordinator's home shows readiness; an outsider's home is never touched.
    _, coordinator = await home_now(teams, COORDINATOR)
    assert "0 of 3 panelists confirmed" in json.dumps(coordinator, ensure_ascii=False)
    outsider_id, outsider = await home_now(teams, OUTSIDER)
    assert not any(p.endswith(f"/activities/{outsider_id}") for p in puts)
    assert "Lovelace" not in json.dumps(outsider, ensure_ascii=False)

    # Confirming prep (on the packet) updates the home in place again.
    confirmed = await teams.wire.execute(PEER, "prep.confirm", {"panel": panel.id})
    assert confirmed.status_code == 200
    await settle(teams)
    activity_id, content = await home_now(teams, PEER)
    text = json.dumps(content, ensure_ascii=False)
    assert activity_id == first_id
    assert "Review your prep packet" not in text and "you're prepared" in text

    # A reschedule: the new time is on everyone's home, still the same message.
    moved_to = panel.starts_at + timedelta(days=1)
    await teams.bot.services.panels.reschedule(
        COORDINATOR, panel.id, Slot(moved_to, 60, "America/New_York")
    )
    await settle(teams)
    activity_id, content = await home_now(teams, CROSS)
    assert f"{moved_to.astimezone().day} " in json.dumps(content, ensure_ascii=False)
    assert (await stored_home(teams, CROSS)).activity_id == activity_id
    assert len(homes_sent(teams, CROSS)) == 1


async def test_the_home_command_sends_a_fresh_card_and_retires_the_old_one(teams):
    await install_everyone(teams)
    panel = await schedule(teams)
    old_id, _ = await home_now(teams, PEER)
    assert (await teams.wire.say(PEER, "home")).status_code == 200
    new_id, content = await home_now(teams, PEER)
    assert new_id != old_id
    assert homes_sent(teams, PEER)[-1] == content  # the newest card in the chat
    assert panel.reference in json.dumps(content, ensure_ascii=False)
    # One live home per person: the old message now points to the new one, without refresh.
    retired = card_of(teams.fake.message(PEER, old_id))
    assert "further down this chat" in str(retired) and "refresh" not in retired
    # help lists the command.
    await teams.wire.say(PEER, "help")
    assert "**home**" in str(teams.fake.cards_to(PEER)[-1])
    # Installing again (a new device, the app removed and added back): the welcome is a home
    # card that already lists the person's panels.
    assert (await teams.wire.install(PEER)).status_code == 200
    welcome_id, welcome = await home_now(teams, PEER)
    text = json.dumps(welcome, ensure_ascii=False)
    assert welcome_id not in (old_id, new_id)
    assert "HireBot runs your interview panels" in text and "Review your prep packet" in text
    assert panel.reference in text


async def test_a_refresh_answers_the_askers_own_current_home(teams):
    await install_everyone(teams)
    panel = await schedule(teams)
    _, peer_card = await home_now(teams, PEER)
    # The panelist confirms from the packet: a refresh of the card shown before shows it.
    confirmed = await teams.wire.execute(PEER, "prep.confirm", {"panel": panel.id})
    assert confirmed.status_code == 200, confirmed.text
    await settle(teams)
    answer = await teams.wire.refresh(PEER, peer_card)  # trigger "automatic", as Teams sends
    assert answer.status_code == 200, answer.text
    body = answer.json()
    assert body["statusCode"] == 200 and body["type"] == CARD_CONTENT_TYPE
    assert card_problems(body["value"]) == []
    text = json.dumps(body["value"], ensure_ascii=False)
    assert "you're prepared" in text and "Review your prep packet" not in text
    assert body["value"]["refresh"]["userIds"] == [f"29:{PEER}"]

    # Someone else sending the refresh of the panelist's card gets their own home only.
    other = (await teams.wire.refresh(OUTSIDER, peer_card)).json()["value"]
    text = json.dumps(other, ensure_ascii=False)
    assert panel.reference not in text and "Lovelace" not in text
    assert other["refresh"]["userIds"] == [f"29:{OUTSIDER}"]


async def test_the_homes_buttons_reuse_the_packets_actions_and_recheck_who_clicks(teams):
    await install_everyone(teams)
    panel = await schedule(teams)
    _, content = await home_now(teams, PEER)
    buttons = [
        a
        for element in json.loads(json.dumps(content))["body"]
        for a in _actions(element)
        if a.get("data", {}).get("panel") == panel.id
    ]
    titles = [b["title"] for b in buttons]
    assert titles[:3] == ["I've reviewed the materials", "Plan my questions", "I can't attend"]
    confirm = buttons[0]
    # The dialogs open for the panelist, and are refused to anyone else.
    plan = buttons[1]["data"]
    opened = (await teams.wire.fetch(PEER, plan)).json()
    assert opened["task"]["type"] == "continue"
    assert card_problems(opened["task"]["value"]["card"]["content"]) == []
    refused = (await teams.wire.fetch(OUTSIDER, plan)).json()
    assert refused["task"]["type"] == "message"
    # Someone else clicking the panelist's confirm changes nothing; they see their own home.
    other = await teams.wire.execute(OUTSIDER, confirm["verb"], confirm["data"])
    text = json.dumps(other.json()["value"], ensure_ascii=False)
    assert HOME in text and "Lovelace" not in text
    async with teams.bot.db.session() as session:
        seat = await session.scalar(
            select(Panelist).where(Panelist.panel_id == panel.id, Panelist.user_id == PEER)
        )
        assert seat.confirmed_at is None
    # The panelist's click: confirmed, and the answer is the home again (not a packet).
    mine = await teams.wire.execute(PEER, confirm["verb"], confirm["data"])
    value = mine.json()["value"]
    assert HOME in str(value) and "you're prepared" in json.dumps(value, ensure_ascii=False)
    async with teams.bot.db.session() as session:
        seat = await session.scalar(
            select(Panelist).where(Panelist.panel_id == panel.id, Panelist.user_id == PEER)
        )
        assert seat.confirmed_at is not None
    await settle(teams)


async def test_a_home_card_teams_no_longer_knows_is_forgotten_not_resent(teams):
    await install_everyone(teams)
    async with teams.bot.db.session() as session:
        await session.execute(
            update(TeamsHomeCard)
            .where(TeamsHomeCard.aad_object_id == PEER)
            .values(activity_id="1999999999999")
        )
    await schedule(teams)
    await settle(teams)
    failed = [
        c
        for c in teams.fake.calls_to("activities.update")
        if c.path.endswith("/activities/1999999999999")
    ]
    assert failed  # Teams answered 404 ActivityNotFoundInConversation
    assert await stored_home(teams, PEER) is None
    assert len(homes_sent(teams, PEER)) == 1  # nothing new posted unasked


async def test_a_busy_home_stays_a_valid_card_under_80_kb(teams):
    await seed_active_panels(
        teams.bot.db, PEER, 150, now=teams.bot.clock.now(), others=[CROSS, COORDINATOR]
    )
    await install_everyone(teams)
    content = await teams.bot.services.teams.platform.home.card(COORDINATOR)
    assert card_problems(content) == []
    assert len(json.dumps(content).encode()) < MAX_CARD_BYTES
    text = json.dumps(content, ensure_ascii=False)
    assert "Showing 1–10 of 150" in text
    # Paging answers the next page of the asker's own home.
    content = await teams.bot.services.teams.platform.home.card(PEER)
    more = [a for e in content["body"] for a in _actions(e) if a.get("verb") == "home.page"]
    assert more
    page = await teams.wire.execute(PEER, more[0]["verb"], more[0]["data"])
    assert "Showing 11–20 of 150" in json.dumps(page.json()["value"], ensure_ascii=False)


def _actions(element: dict) -> list[dict]:
    """Every action inside ``element`` (ActionSets nested in containers)."""
    found = list(element.get("actions") or []) if element.get("type") == "ActionSet" else []
    for child in element.get("items") or []:
        found += _actions(child)
    return found
