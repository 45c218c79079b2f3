"""Confirm, can't attend, replace, remind now, status, reschedule and cancel: through the wire."""

from __future__ import annotations

import asyncio
from collections import Counter
from datetime import UTC, datetime

from icalendar import Calendar
from sqlalchemy import update

from bot.devtools.people import (
    COORDINATOR,
    CROSS,
    HIRING_MANAGER,
    LEADER,
    OUTSIDER,
    PEER,
    PEER2,
)
from bot.models import Panelist
from bot.slack import ids
from tests.factories import scheduled
from tests.prep.kit import click_packet, packet_of, seats, updates_of
from tests.support.messages import action_ids, command_reply, text_of

REMINDERS_DUE = datetime(2026, 11, 26, 17, 0, tzinfo=UTC)
ESCALATION_DUE = datetime(2026, 11, 27, 13, 0, tzinfo=UTC)


async def test_confirming_updates_the_packet_and_cancels_only_that_reminder(bot):
    await scheduled(bot, COORDINATOR)
    await click_packet(bot, PEER, PEER, ids.PREP_CONFIRM)
    await bot.fake.wait_for("chat.update")
    await bot.settled()

    assert (await seats(bot))[PEER].confirmed_at == bot.clock.now()
    _, _, packet = await packet_of(bot, PEER)
    assert "You've reviewed the materials" in text_of(packet)
    assert action_ids(packet) == [ids.PREP_PLAN_QUESTIONS, ids.PREP_DECLINE]
    reminders = {n.recipient_id: n.status for n in await bot.nudges(kind="prep_reminder")}
    assert reminders == {PEER: "cancelled", CROSS: "pending", LEADER: "pending"}

    # A double click changes nothing more.
    await click_packet(bot, PEER, PEER, ids.PREP_CONFIRM)
    await bot.settled()
    assert len(await updates_of(bot, PEER)) == 1

    await bot.run_nudges(REMINDERS_DUE)
    reminded = {
        m["channel"] for m in bot.fake.calls_to("chat.postMessage") if "Reminder" in m["text"]
    }
    assert reminded == {bot.dm(CROSS), bot.dm(LEADER)}


async def test_only_the_packets_recipient_may_act_on_it(bot):
    await scheduled(bot, COORDINATOR)
    for clicker in (OUTSIDER, CROSS, COORDINATOR):
        for action in (ids.PREP_CONFIRM, ids.PREP_DECLINE):
            before = len(bot.fake.calls_to("response_url"))
            await click_packet(bot, clicker, PEER, action)
            reply = (await bot.fake.wait_for("response_url", before + 1))[-1]
            assert reply["response_type"] == "ephemeral"
            assert "sent to someone else" in reply["text"]
    state = await seats(bot)
    assert all(s.confirmed_at is None and s.declined_at is None for s in state.values())
    assert bot.fake.calls_to("views.open") == [] or all(
        v["view"]["callback_id"] != ids.PREP_DECLINE_SUBMIT for v in bot.fake.calls_to("views.open")
    )
    assert bot.fake.calls_to("chat.update") == []


async def test_app_home_clicks_are_answered_in_the_dm_and_confirm_from_there(bot):
    """App Home's buttons carry no response_url (Slack sends none for views): a refusal comes
    as an ephemeral message in the clicker's DM, and the panelist's own click still counts."""
    await scheduled(bot, COORDINATOR)
    home = {"type": "view", "view_id": "VHOME"}
    refusals = {
        ids.PREP_CONFIRM: "sent to someone else",
        ids.PREP_DECLINE: "sent to someone else",
        ids.PREP_PLAN_QUESTIONS: "I can't find panel P-1",
    }
    for action, refusal in refusals.items():
        before = len(bot.fake.calls_to("chat.postEphemeral"))
        response = await bot.wire.click(OUTSIDER, action, "1", container=home)
        assert response.status_code == 200
        told = (await bot.fake.wait_for("chat.postEphemeral", before + 1))[-1]
        assert told["user"] == OUTSIDER and refusal in told["text"], told
    assert bot.fake.calls_to("response_url") == []
    assert all(s.confirmed_at is None for s in (await seats(bot)).values())

    before = len(await updates_of(bot, PEER))
    await bot.wire.click(PEER, ids.PREP_CONFIRM, "1", container=home)
    await bot.fake.wait_for("chat.update", before + 1)
    assert (await seats(bot))[PEER].confirmed_at is not None
    assert "You've reviewed the materials" in text_of((await packet_of(bot, PEER))[2])


async def test_declining_alerts_the_coordinator_who_replaces_the_panelist(bot):
    await scheduled(bot, COORDINATOR)
    await click_packet(bot, PEER, PEER, ids.PREP_DECLINE)
    opened = (await bot.fake.wait_for("views.open", 2))[-1]["view"]  # 1st: /panel new
    assert opened["callback_id"] == ids.PREP_DECLINE_SUBMIT

    empty = (await bot.wire.submit(PEER, opened, {"reason": ""})).json()
    assert empty["response_action"] == "errors" and "reason" in empty["errors"]
    assert (await seats(bot))[PEER].declined_at is None

    dms_before = len(bot.fake.dms_to(COORDINATOR))
    response = await bot.wire.submit(PEER, opened, {"reason": "On leave <that> week"})
    assert response.status_code == 200 and not response.content.strip(b"{}")
    alert = (
        await bot.fake.wait_for(
            "chat.postMessage", dms_before + 1, where=lambda m: m["channel"] == bot.dm(COORDINATOR)
        )
    )[-1]
    await bot.settled()
    assert f"<@{PEER}> can't attend P-1" in alert["text"]
    assert "On leave &lt;that&gt; week" in text_of(alert)
    assert action_ids(alert) == [ids.PREP_REPLACE_OPEN]
    state = await seats(bot)
    assert (
        state[PEER].declined_at is not None and state[PEER].decline_reason == "On leave <that> week"
    )
    _, _, packet = await packet_of(bot, PEER)
    assert "You said you can't attend" in text_of(packet) and action_ids(packet) == []
    reminders = {n.recipient_id: n.status for n in await bot.nudges(kind="prep_reminder")}
    assert reminders[PEER] == "cancelled"

    # Someone who does not own the panel cannot replace anyone.
    before = len(bot.fake.calls_to("response_url"))
    await bot.wire.click(CROSS, ids.PREP_REPLACE_OPEN, f"1:{PEER}")
    refusal = (await bot.fake.wait_for("response_url", before + 1))[-1]
    assert "Only the panel's coordinator" in refusal["text"]

    # The coordinator picks a replacement; someone already on the panel is refused.
    views = len(bot.fake.calls_to("views.open"))
    await bot.wire.click(COORDINATOR, ids.PREP_REPLACE_OPEN, f"1:{PEER}")
    modal = (await bot.fake.wait_for("views.open", views + 1))[-1]["view"]
    assert modal["callback_id"] == ids.PREP_REPLACE_SUBMIT
    taken = (await bot.wire.submit(COORDINATOR, modal, {"replacement": CROSS})).json()
    assert "already on this panel" in taken["errors"]["replacement"]

    uploads = len(bot.fake.calls_to("upload"))
    done = await bot.wire.submit(COORDINATOR, modal, {"replacement": PEER2})
    assert done.status_code == 200
    await bot.fake.wait_for("chat.postMessage", where=lambda m: m["channel"] == bot.dm(PEER2))
    await bot.settled()

    state = await seats(bot)
    assert PEER not in state
    new = state[PEER2]
    assert (new.focus_area, new.perspective, new.position) == ("technical_depth", "peer", 0)
    packet = bot.fake.dms_to(PEER2)[-1]
    assert "Prep packet: P-1" in text_of(packet) and "Your focus: Technical depth" in text_of(
        packet
    )
    assert new.packet_ts is not None
    invite = Calendar.from_ical(bot.fake.calls_to("upload")[uploads]["bytes"])
    (event,) = invite.walk("VEVENT")
    names = sorted(str(a.params["CN"]) for a in event["ATTENDEE"])
    assert names == ["Carlos Cross", "Lee Leader", "Priya Peer"]
    # Pat's packet says he is no longer needed; the others' show the new roster.
    pat = bot.fake.messages[
        (bot.dm(PEER), (await bot.nudges(kind="prep_packet", recipient_id=PEER))[0].message_ts)
    ]
    assert "no longer on P-1" in text_of(pat) and action_ids(pat) == []
    _, _, carlos = await packet_of(bot, CROSS)
    assert f"<@{PEER2}>" in text_of(carlos) and f"<@{PEER}>" not in text_of(carlos)
    # Nudges are re-planned: Priya will be reminded, Pat will not.
    pending = {n.recipient_id for n in await bot.nudges(kind="prep_reminder", status="pending")}
    assert pending == {PEER2, CROSS, LEADER}


async def test_the_escalation_lists_who_is_unprepared_and_who_declined(bot):
    await scheduled(bot, COORDINATOR)
    await click_packet(bot, LEADER, LEADER, ids.PREP_CONFIRM)
    await bot.fake.wait_for("chat.update")
    async with bot.db.session() as session:  # setup: Pat declined (tested above through the wire)
        await session.execute(
            update(Panelist)
            .where(Panelist.user_id == PEER)
            .values(declined_at=bot.clock.now(), decline_reason="Conference")
        )
    await bot.settled()
    await bot.run_nudges(REMINDERS_DUE)
    await bot.run_nudges(ESCALATION_DUE)
    alert = [m for m in bot.fake.dms_to(COORDINATOR) if "not prepared" in m["text"]][-1]
    body = text_of(alert)
    assert "1 panelist not prepared yet" in alert["text"]
    assert f"<@{CROSS}>" in body and f"<@{LEADER}>" not in body
    assert "Can't attend" in body and f"<@{PEER}>: Conference" in body
    assert action_ids(alert) == [ids.PREP_REMIND_NOW]

    # Only an owner may press it; a double click reminds once.
    before = len(bot.fake.calls_to("response_url"))
    await bot.wire.click(CROSS, ids.PREP_REMIND_NOW, "1")
    refusal = (await bot.fake.wait_for("response_url", before + 1))[-1]
    assert "Only the panel's coordinator" in refusal["text"]

    container = {
        "type": "message",
        "message_ts": "1700000099.000100",
        "channel_id": bot.dm(COORDINATOR),
    }
    reminders_before = Counter(
        m["channel"] for m in bot.fake.calls_to("chat.postMessage") if "Reminder" in m["text"]
    )
    for clicker in (COORDINATOR, COORDINATOR, HIRING_MANAGER):
        await bot.wire.click(clicker, ids.PREP_REMIND_NOW, "1", container=container, message={})
    replies = await bot.fake.wait_for("response_url", before + 4)
    assert f"Reminded <@{CROSS}> now." in replies[-1]["text"]
    await bot.settled()
    reminders = Counter(
        m["channel"] for m in bot.fake.calls_to("chat.postMessage") if "Reminder" in m["text"]
    )
    assert reminders - reminders_before == Counter({bot.dm(CROSS): 1})


async def test_status_shows_readiness_and_planned_questions(bot):
    await scheduled(bot, COORDINATOR)
    await click_packet(bot, PEER, PEER, ids.PREP_CONFIRM)
    await bot.fake.wait_for("chat.update")
    async with bot.db.session() as session:  # setup: states whose wire paths are tested elsewhere
        await session.execute(
            update(Panelist).where(Panelist.user_id == PEER).values(planned_questions=["a", "b"])
        )
        await session.execute(
            update(Panelist)
            .where(Panelist.user_id == CROSS)
            .values(declined_at=bot.clock.now(), decline_reason="Travelling")
        )
    reply = await command_reply(bot, HIRING_MANAGER, "status P-1")
    body = text_of(reply)
    assert f"<@{PEER}>: :white_check_mark: confirmed · 2 questions planned" in body
    assert f"<@{CROSS}>: :no_entry: declined: “Travelling”" in body
    assert f"<@{LEADER}>: :hourglass: not confirmed yet · no questions planned" in body


async def test_reschedule_updates_every_packet_in_place_and_the_invite(bot):
    await scheduled(bot, COORDINATOR)
    await bot.wire.command(COORDINATOR, "reschedule P-1")
    view = (await bot.fake.wait_for("views.open", 2))[-1]["view"]
    new_start = datetime(2026, 12, 1, 14, 0, tzinfo=UTC)
    await bot.wire.submit(
        COORDINATOR, view, {**bot.local_fields(new_start, "Europe/London"), "duration": "90"}
    )
    await bot.fake.wait_for("chat.update", 3)
    await bot.settled()

    _, _, peer = await packet_of(bot, PEER)
    assert "Tue 1 Dec 2026, 15:00 CET (90 min)" in text_of(peer)  # Berlin, in place
    _, _, cross = await packet_of(bot, CROSS)
    assert "Tue 1 Dec 2026, 06:00 PST (90 min)" in text_of(cross)
    assert any("moved P-1" in m["text"] for m in bot.fake.dms_to(PEER))  # the short notice
    calendars = [Calendar.from_ical(c["bytes"]) for c in bot.fake.calls_to("upload")]
    events = [next(iter(c.walk("VEVENT"))) for c in calendars]
    assert [int(e["SEQUENCE"]) for e in events] == [0, 0, 0, 1, 1, 1]
    assert {str(e["UID"]) for e in events} == {"panel-1@hirebot.invalid"}
    assert events[-1].decoded("DTSTART") == new_start


async def test_cancel_marks_packets_cancelled_and_cancels_the_invite(bot):
    await scheduled(bot, COORDINATOR)
    await bot.wire.command(COORDINATOR, "cancel P-1")
    view = (await bot.fake.wait_for("views.open", 2))[-1]["view"]
    await bot.wire.submit(COORDINATOR, view, {"reason": "Role closed"})
    await bot.fake.wait_for("chat.update", 3)
    await bot.settled()
    for user_id in (PEER, CROSS, LEADER):
        _, _, packet = await packet_of(bot, user_id)
        assert "(cancelled)" in text_of(packet) and action_ids(packet) == []
    cancels = [Calendar.from_ical(c["bytes"]) for c in bot.fake.calls_to("upload")][3:]
    assert len(cancels) == 3
    assert all(c["METHOD"] == "CANCEL" for c in cancels)
    assert all(int(next(iter(c.walk("VEVENT")))["SEQUENCE"]) == 1 for c in cancels)
    # A click on a cancelled packet changes nothing.
    await click_packet(bot, PEER, PEER, ids.PREP_CONFIRM)
    reply = (await bot.fake.wait_for("response_url"))[-1]
    assert "cancelled" in reply["text"]
    assert (await seats(bot))[PEER].confirmed_at is None


async def test_packet_updates_survive_a_slack_outage(bot):
    from bot.devtools.fake_slack import Fault

    await scheduled(bot, COORDINATOR)
    bot.fake.fail_next("chat.update", Fault(status=503), times=2)
    await click_packet(bot, PEER, PEER, ids.PREP_CONFIRM)
    for _ in range(250):  # the listener works after its ack: wait for its first try
        if any(c.method == "chat.update" for c in bot.fake.calls):
            break
        await asyncio.sleep(0.02)
    await bot.settled()
    (pending,) = await bot.nudges(kind="prep_packet_update")
    assert pending.status == "pending" and pending.attempts >= 1
    for _ in range(3):
        await bot.run_nudges(bot.later(minutes=20))
    (done,) = await bot.nudges(kind="prep_packet_update")
    assert done.status == "sent"
    _, _, packet = await packet_of(bot, PEER)
    assert "You've reviewed the materials" in text_of(packet)
