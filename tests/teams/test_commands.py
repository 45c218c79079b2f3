"""The personal chat: /panel's commands as text, answered with cards; proactive cards after."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from bot.devtools.fake_teams import Fault
from bot.devtools.teams_wire import (
    COORDINATOR,
    CROSS,
    HIRING_MANAGER,
    LEADER,
    OUTSIDER,
    PEER,
    RECRUITER,
)
from bot.models import Nudge, Panel, Panelist
from bot.panels.request import Assignment, PanelBasics, Slot
from bot.teams.cards import card_problems

EVERYONE = (COORDINATOR, HIRING_MANAGER, RECRUITER, PEER, CROSS, LEADER, OUTSIDER)


def last_card(teams, aad: str) -> str:
    cards = teams.fake.cards_to(aad)
    assert cards, f"no card to {aad}"
    assert card_problems(cards[-1]) == []
    return str(cards[-1])


def card_titled(teams, aad: str, title: str) -> str:
    found = [str(c) for c in teams.fake.cards_to(aad) if title in str(c)]
    assert found, f"no card {title!r} to {aad}"
    return found[-1]


async def install_everyone(teams) -> None:
    for person in EVERYONE:
        assert (await teams.wire.install(person)).status_code == 200


async def schedule(teams) -> Panel:
    return await schedule_people(teams, (PEER, CROSS, LEADER))


FOCUS = {
    PEER: ("technical_depth", "peer"),
    CROSS: ("stakeholder_alignment", "cross_functional"),
    LEADER: ("culture_values", "leadership"),
}


async def schedule_people(teams, panelists: tuple[str, ...]) -> Panel:
    bot = teams.bot
    start = bot.clock.now() + timedelta(days=2)
    basics = PanelBasics(
        candidate_name="Ada *Lovelace*",
        role_title="Senior Data Engineer",
        responsibilities="Own the ingestion pipelines.",
        round_number=2,
        slot=Slot(start.replace(minute=0, second=0, microsecond=0), 60, "America/New_York"),
        format="conversation",
        location="https://meet.example.com/ada",
        panelist_ids=panelists,
        hiring_manager_id=HIRING_MANAGER,
        recruiter_id=RECRUITER,
        resume_url="https://files.example.com/ada.pdf",
    )
    seats = tuple(Assignment(p, *FOCUS[p]) for p in panelists)
    panel = await bot.services.panels.schedule(COORDINATOR, basics, seats)
    await bot.services.pipeline.drain()
    await bot.settled()
    return panel


async def test_help_and_unknown_text_get_the_usage(teams):
    await teams.wire.install(COORDINATOR)
    for said in ("panel help", "<at>HireBot</at> /panel help", "what is this?"):
        response = await teams.wire.say(COORDINATOR, said)
        assert response.status_code == 200
        assert "HireBot runs your interview panels" in last_card(teams, COORDINATOR)
    assert "what" in last_card(teams, COORDINATOR)  # the problem quotes what was typed


async def test_packets_go_out_as_cards_and_commands_answer_in_the_personal_chat(teams):
    await install_everyone(teams)
    panel = await schedule(teams)
    # Each panelist got the prep packet: a valid card, names from Graph, the zone from the
    # mailbox's Windows name (W. Europe Standard Time -> Berlin: CET).
    packet = card_titled(teams, PEER, f"Prep packet: {panel.reference}")
    assert "Carlos Cross" in packet and "CET" in packet
    assert "Ada ∗Lovelace∗" in packet  # user text can't turn the card's words bold
    assert "prep.confirm" in packet
    # The coordinator's confirmation.
    assert f"Panel scheduled: {panel.reference}" in str(teams.fake.cards_to(COORDINATOR))

    await teams.wire.say(COORDINATOR, "list")
    assert panel.reference in last_card(teams, COORDINATOR)
    await teams.wire.say(COORDINATOR, f"panel status {panel.reference}")
    status = last_card(teams, COORDINATOR)
    assert f"Status of {panel.reference}" in status and "not yet confirmed" in status
    assert "Planned questions" in status and "no plan yet from Pat Peer" in status  # an owner
    await teams.wire.say(COORDINATOR, f"history {panel.reference}")
    assert f"History of {panel.reference}" in last_card(teams, COORDINATOR)
    await teams.wire.say(COORDINATOR, "stalled")
    assert "Stalled candidates" in last_card(teams, COORDINATOR)
    # Anyone else is told the panel can't be found, exactly like a panel that doesn't exist.
    await teams.wire.say(PEER, f"status {panel.reference}")
    assert "Planned questions" not in last_card(teams, PEER)  # a panelist: not the coverage
    await teams.wire.say(OUTSIDER, f"status {panel.reference}")
    assert "can't find that panel" in last_card(teams, OUTSIDER)
    await teams.wire.say(OUTSIDER, "status P-999")
    assert "can't find that panel" in last_card(teams, OUTSIDER)


async def test_confirm_updates_the_card_and_rechecks_who_clicks(teams):
    await install_everyone(teams)
    panel = await schedule(teams)
    # Someone else pressing the panelist's button changes nothing.
    refused = await teams.wire.execute(OUTSIDER, "prep.confirm", {"panel": panel.id})
    assert refused.status_code == 200
    assert "adaptive" in refused.json()["type"]
    async with teams.bot.db.session() as session:
        seats = list(await session.scalars(select(Panelist).where(Panelist.panel_id == panel.id)))
        assert all(s.confirmed_at is None for s in seats)
    answer = await teams.wire.execute(PEER, "prep.confirm", {"panel": panel.id})
    body = answer.json()
    assert body["statusCode"] == 200 and card_problems(body["value"]) == []
    assert "reviewed the materials" in str(body["value"])
    await teams.bot.services.pipeline.drain()
    await teams.bot.settled()
    async with teams.bot.db.session() as session:
        seat = await session.scalar(
            select(Panelist).where(Panelist.panel_id == panel.id, Panelist.user_id == PEER)
        )
        assert seat.confirmed_at is not None
    # The packet itself was updated in place (PUT on the activity first sent).
    updates = teams.fake.calls_to("activities.update")
    assert updates and "reviewed the materials" in str(updates[-1].body)


async def test_new_opens_a_dialog_button_and_cancel_dialog_keeps_typing_on_errors(teams):
    await install_everyone(teams)
    panel = await schedule(teams)
    await teams.wire.say(COORDINATOR, "new Ada Lovelace")
    assert "task/fetch" in last_card(teams, COORDINATOR)
    opened = (await teams.wire.fetch(COORDINATOR, {"dialog": "cancel", "panel": panel.id})).json()
    assert opened["task"]["type"] == "continue"
    form = opened["task"]["value"]["card"]["content"]
    assert card_problems(form) == []
    too_long = "x" * 600
    again = await teams.wire.submit(
        COORDINATOR, {"dialog": "cancel", "panel": panel.id, "reason": too_long}
    )
    task = again.json()["task"]
    assert task["type"] == "continue"
    content = task["value"]["card"]["content"]
    field = next(e for e in content["body"] if e.get("id") == "reason")
    assert field["value"] == too_long  # nothing typed is lost
    error = content["body"][content["body"].index(field) + 1]
    assert error["id"] == "reason-error" and error["color"] == "Attention"
    async with teams.bot.db.session() as session:
        assert (await session.get(Panel, panel.id)).status != "cancelled"
    # A panelist can't cancel; the coordinator can.
    refused = await teams.wire.submit(PEER, {"dialog": "cancel", "panel": panel.id, "reason": "no"})
    assert refused.json()["task"]["type"] == "message"
    done = await teams.wire.submit(
        COORDINATOR, {"dialog": "cancel", "panel": panel.id, "reason": "Role on hold"}
    )
    assert "cancelled" in done.json()["task"]["value"]
    await teams.bot.services.pipeline.drain()
    await teams.bot.settled()
    async with teams.bot.db.session() as session:
        assert (await session.get(Panel, panel.id)).status == "cancelled"
    assert f"Cancelled: {panel.reference}" in str(teams.fake.cards_to(CROSS))


async def test_a_429_from_the_connector_is_retried_through_the_outbox(teams):
    await install_everyone(teams)
    teams.fake.fail_next("activities.send", Fault(429, retry_after="7", code="Throttled"), times=20)
    panel = await schedule(teams)
    async with teams.bot.db.session() as session:
        waiting = list(
            await session.scalars(
                select(Nudge).where(Nudge.panel_id == panel.id, Nudge.status == "pending")
            )
        )
    assert waiting and any("rate limited" in (n.last_error or "") for n in waiting)
    assert len(teams.fake.calls_to("activities.send")) >= 1
    teams.fake.clear_faults()
    report = await teams.bot.run_nudges(teams.bot.clock.now() + timedelta(seconds=8))
    assert report.sent >= 1
    assert card_titled(teams, PEER, f"Prep packet: {panel.reference}")
