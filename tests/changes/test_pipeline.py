"""The change pipeline through Slack's wire: stages, submissions taken once, exclusive changes,
series that renew themselves, one invite per panelist, and the coordinator's durable
confirmation."""

from __future__ import annotations

import asyncio
import json
from collections import Counter
from datetime import timedelta

from sqlalchemy import select

from bot.devtools.fake_slack import Fault
from bot.devtools.people import (
    COORDINATOR,
    CROSS,
    HIRING_MANAGER,
    LEADER,
    OUTSIDER,
    PEER,
    PEER2,
    RECRUITER,
)
from bot.models import Decision, Panel, Panelist
from bot.slack import ids
from tests.factories import BALANCED, scheduled, seat_values, step_one
from tests.followup.kit import END, START, ended_panel, give_feedback, open_modal
from tests.prep.kit import click_packet, packet_of, seats
from tests.support.messages import action_ids, dms, text_of
from tests.support.store import count

# --- stages -------------------------------------------------------------------------------


async def test_at_the_start_packets_lose_their_buttons_and_prep_is_refused(bot):
    await scheduled(bot, COORDINATOR)
    _, _, packet = await packet_of(bot, PEER)
    assert ids.PREP_CONFIRM in action_ids(packet)

    await bot.run_nudges(START)
    for user_id in (PEER, CROSS, LEADER):
        _, _, packet = await packet_of(bot, user_id)  # the same message, updated in place
        assert action_ids(packet) == [], user_id
        assert "The panel has started" in text_of(packet)
        assert "Covered already" in text_of(packet)  # the rest of the packet is still there

    # A late click (an old client, App Home) is refused privately and changes nothing.
    before = len(bot.fake.calls_to("response_url"))
    await click_packet(bot, PEER, PEER, ids.PREP_CONFIRM)
    refusal = (await bot.fake.wait_for("response_url", before + 1))[-1]
    assert "has already started, so its prep is closed" in refusal["text"]
    assert (await seats(bot))[PEER].confirmed_at is None
    pending_after = {n.kind for n in await bot.nudges(status="pending")}
    assert "feedback_request" in pending_after  # the follow-up loop is untouched

    await click_packet(bot, PEER, PEER, ids.PREP_PLAN_QUESTIONS)
    refusal = (await bot.fake.wait_for("response_url", before + 2))[-1]
    assert "prep is closed" in refusal["text"]


async def test_confirming_keeps_the_whole_follow_up_loop(bot):
    """The bug this pipeline was built for: one panelist's confirmation used to cancel every
    after-panel nudge (feedback requests, reminders, escalation, the candidate clock)."""
    await scheduled(bot, COORDINATOR)
    after = {n.dedupe_key for n in await bot.nudges(status="pending") if "feedback" in n.kind}
    assert after
    await click_packet(bot, PEER, PEER, ids.PREP_CONFIRM)
    await bot.fake.wait_for("chat.update", where=lambda m: m["channel"] == bot.dm(PEER))
    still = {n.dedupe_key for n in await bot.nudges(status="pending")}
    assert after <= still
    reminders = {n.recipient_id: n.status for n in await bot.nudges(kind="prep_reminder")}
    assert reminders == {PEER: "cancelled", CROSS: "pending", LEADER: "pending"}


async def test_no_replacing_and_no_moving_once_the_panel_has_started(bot):
    await ended_panel(bot)
    views = len(bot.fake.calls_to("views.open"))
    await bot.wire.click(COORDINATOR, ids.PREP_REPLACE_OPEN, f"1:{PEER}")
    modal = (await bot.fake.wait_for("views.open", views + 1))[-1]["view"]
    answer = (await bot.wire.submit(COORDINATOR, modal, {"replacement": PEER2})).json()
    assert "has already started" in answer["errors"]["replacement"]
    assert PEER in await seats(bot)

    await bot.wire.command(RECRUITER, "reschedule P-1")
    view = (await bot.fake.wait_for("views.open", views + 2))[-1]["view"]
    later = bot.later(days=3)
    answer = (
        await bot.wire.submit(RECRUITER, view, {**bot.local_fields(later, "UTC"), "duration": "60"})
    ).json()
    assert "already started, so it can't be moved" in answer["errors"]["start_date"]
    async with bot.db.session() as session:
        assert (await session.get(Panel, 1)).starts_at == START
    assert [n for n in await bot.nudges(kind="feedback_request", status="sent")]


# --- submissions taken once, changes exclusive --------------------------------------------


async def test_the_scheduling_form_posted_three_times_at_once_makes_one_panel(bot):
    focus = (await step_one(bot, command="new Ada Lovelace"))["view"]
    values = seat_values(BALANCED)
    answers = await asyncio.gather(*(bot.wire.submit(COORDINATOR, focus, values) for _ in range(3)))
    assert [a.json() for a in answers] == [{"response_action": "clear"}] * 3
    await bot.settled()
    assert await count(bot, Panel) == 1
    assert len(dms(bot, COORDINATOR, "is scheduled")) == 1
    assert Counter(m["channel"] for m in bot.fake.dms_to(PEER)) == {bot.dm(PEER): 1}


async def test_the_same_decision_submitted_twice_at_once_is_stored_once(bot):
    await ended_panel(bot)
    for user_id in (PEER, CROSS, LEADER):
        await give_feedback(bot, user_id)
    view = await open_modal(bot, HIRING_MANAGER, ids.DECISION_OPEN, "1:advance")
    answers = await asyncio.gather(
        *(bot.wire.submit(HIRING_MANAGER, view, {"reason": "Strong on all areas"}) for _ in "ab")
    )
    assert all(a.status_code == 200 and not a.content.strip(b"{}") for a in answers)
    await bot.settled()
    assert await count(bot, Decision) == 1


async def test_two_owners_replacing_one_panelist_at_once_replace_them_once(bot):
    await scheduled(bot, COORDINATOR)
    modals = []
    for owner in (COORDINATOR, RECRUITER):
        views = len(bot.fake.calls_to("views.open"))
        await bot.wire.click(owner, ids.PREP_REPLACE_OPEN, f"1:{PEER}")
        modals.append((owner, (await bot.fake.wait_for("views.open", views + 1))[-1]["view"]))
    answers = await asyncio.gather(
        *(
            bot.wire.submit(owner, modal, {"replacement": newcomer})
            for (owner, modal), newcomer in zip(modals, (PEER2, OUTSIDER), strict=True)
        )
    )
    await bot.settled()
    state = await seats(bot)
    assert len(state) == 3 and PEER not in state
    assert len({PEER2, OUTSIDER} & set(state)) == 1
    refused = [a.json() for a in answers if a.content.strip(b"{}")]
    assert len(refused) == 1 and "already replaced" in refused[0]["errors"]["replacement"]


# --- series, invites, the confirmation ----------------------------------------------------


async def test_the_candidate_update_nudge_repeats_every_business_day_until_resolved(bot):
    """It used to stop after a business week (5 nudges, then 16 days of silence)."""
    await ended_panel(bot)
    moment = END
    for _ in range(60):  # a month, a tick every morning and evening
        moment += timedelta(hours=12)
        await bot.run_nudges(moment)
    overdue = [
        n.sent_at.date()
        for n in await bot.nudges(kind="candidate_update_overdue", status="sent")
        if n.recipient_id == RECRUITER
    ]
    assert len(overdue) == len(set(overdue))  # one a day
    assert all(day.weekday() < 5 for day in overdue)  # business days only
    assert len(overdue) >= 15 and max(overdue) >= (moment - timedelta(days=4)).date()
    assert [n for n in await bot.nudges(kind="candidate_update_overdue", status="pending")]


def slack_down(bot) -> None:
    """Every message, update and upload fails (the Web API answers 503) until faults clear."""
    for method in ("chat.postMessage", "chat.update", "files.getUploadURLExternal"):
        bot.fake.fail_next(method, Fault(status=503), times=200)


async def test_rescheduled_before_the_first_packet_goes_each_panelist_gets_one_invite(bot):
    slack_down(bot)  # while it all happens
    await scheduled(bot, COORDINATOR, confirmed=False)
    panel = await bot.services.panels.get(1)
    from bot.panels.request import Slot

    slot = Slot(panel.starts_at + timedelta(days=1), 60, "America/New_York")
    await bot.services.panels.reschedule(COORDINATOR, 1, slot)
    await bot.services.pipeline.drain()
    bot.fake.clear_faults()  # Slack is back
    await bot.run_nudges(bot.later(hours=2))
    await bot.run_nudges(bot.later(hours=3))
    uploads = Counter(c["channel_id"] for c in bot.fake.calls_to("files.completeUploadExternal"))
    assert uploads == Counter({bot.dm(u): 1 for u in (PEER, CROSS, LEADER)})
    invites = await bot.nudges(kind="prep_invite")
    assert Counter(n.status for n in invites) == Counter({"cancelled": 3, "sent": 3})
    # The one invite each got is the updated one (SEQUENCE 1).
    sent = [n for n in invites if n.status == "sent"]
    assert {n.payload["sequence"] for n in sent} == {1}


async def test_the_coordinators_confirmation_survives_a_slack_outage(bot):
    slack_down(bot)
    await scheduled(bot, COORDINATOR, confirmed=False)
    assert dms(bot, COORDINATOR, "is scheduled") == []
    bot.fake.clear_faults()
    await bot.run_nudges(bot.later(minutes=30))
    await bot.run_nudges(bot.later(minutes=45))
    (confirmation,) = dms(bot, COORDINATOR, "is scheduled")
    assert "Message for the candidate" in json.dumps(confirmation["blocks"])
    assert "Pat Peer" in json.dumps(confirmation["blocks"])  # names resolved when it went
    async with bot.db.session() as session:
        rows = await session.scalars(select(Panelist))
        assert all(p.packet_ts for p in rows)  # and every packet went too
