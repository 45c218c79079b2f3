"""The candidate-update clock through Slack's wire: daily nudges past the SLA naming what
blocks, never doubled, escalated after two more business days, reset only by telling the
candidate; and ``/panel stalled`` and ``/panel history``."""

from __future__ import annotations

import json
from datetime import UTC, datetime

from bot.devtools.people import (
    COORDINATOR,
    CROSS,
    HIRING_MANAGER,
    LEADER,
    OUTSIDER,
    PEER,
    RECRUITER,
)
from tests.followup.kit import (
    decide,
    ended_panel,
    give_feedback,
    update_candidate,
)
from tests.support.messages import dms, private_answer

TUE = datetime(2026, 12, 1, 16, 0, tzinfo=UTC)
#: Three business days after Friday's 16:00 UTC end (10:00 in Chicago, 11:00 in New York).
WED_SLA = datetime(2026, 12, 2, 16, 0, tzinfo=UTC)
THU = datetime(2026, 12, 3, 16, 0, tzinfo=UTC)
FRI = datetime(2026, 12, 4, 16, 0, tzinfo=UTC)


def waiting(bot, user_id: str) -> list[dict]:
    return dms(bot, user_id, "hasn't heard from us")


async def test_past_the_sla_recruiter_and_manager_are_nudged_daily_then_the_coordinator(bot):
    await ended_panel(bot)
    await give_feedback(bot, CROSS)
    await give_feedback(bot, LEADER)
    await bot.run_nudges(TUE)
    assert waiting(bot, RECRUITER) == []  # not before the SLA

    await bot.run_nudges(WED_SLA)
    (first,) = waiting(bot, RECRUITER)
    blocks = json.dumps(first["blocks"])
    assert f"feedback missing from <@{PEER}>, 2 business days overdue" in blocks
    assert "still completing its review" in blocks  # a holding message to send
    (manager,) = waiting(bot, HIRING_MANAGER)
    assert "still completing its review" not in json.dumps(manager["blocks"])  # recruiter's job

    # Another run the same day, or later that day: nothing doubles.
    assert (await bot.run_nudges(WED_SLA)).sent == 0
    await bot.run_nudges(datetime(2026, 12, 2, 21, 0, tzinfo=UTC))
    assert len(waiting(bot, RECRUITER)) == 1 and len(waiting(bot, HIRING_MANAGER)) == 1

    # Pat's feedback is internal activity: the clock is not reset, the blocker moves on.
    bot.clock.set(datetime(2026, 12, 3, 10, 0, tzinfo=UTC))
    await give_feedback(bot, PEER)
    await bot.run_nudges(THU)
    second = waiting(bot, RECRUITER)[-1]
    assert len(waiting(bot, RECRUITER)) == 2
    assert f"decision pending with <@{HIRING_MANAGER}>" in json.dumps(second["blocks"])
    assert waiting(bot, COORDINATOR) == []

    await bot.run_nudges(FRI)  # two more business days: the coordinator hears of it
    (stalled,) = dms(bot, COORDINATOR, "hasn't heard from us")
    assert "Stalled candidate" in json.dumps(stalled["blocks"])
    assert len(waiting(bot, RECRUITER)) == 3


async def test_only_telling_the_candidate_resets_the_clock(bot):
    await ended_panel(bot)
    for user in (PEER, CROSS, LEADER):
        await give_feedback(bot, user)
    bot.clock.set(WED_SLA)
    await decide(bot, HIRING_MANAGER, "hold", "Second finalist next week")
    await bot.run_nudges(WED_SLA)
    assert len(waiting(bot, RECRUITER)) == 1  # a hold is internal: still overdue

    await update_candidate(bot, RECRUITER, "Told Ada we need one more week")
    pending = await bot.nudges(kind="candidate_update_overdue", status="pending")
    # A fresh series from the update: three business days later, Monday 7 Dec.
    assert pending and min(n.due_at for n in pending) == datetime(2026, 12, 7, 16, 0, tzinfo=UTC)
    await bot.run_nudges(THU)
    assert len(waiting(bot, RECRUITER)) == 1


async def test_stalled_lists_blocked_candidates_to_people_on_the_panel(bot):
    await ended_panel(bot)
    await give_feedback(bot, CROSS)
    bot.clock.set(WED_SLA)
    stalled = await private_answer(bot, RECRUITER, "stalled")
    assert "P-1" in stalled and "Ada Lovelace" in stalled
    assert f"feedback missing from <@{PEER}>, 2 business days overdue" in stalled
    assert f"feedback missing from <@{LEADER}>" in stalled
    assert "No candidate is waiting" in await private_answer(bot, OUTSIDER, "stalled")


async def test_history_is_the_audit_trail_in_the_readers_zone(bot):
    await ended_panel(bot)
    await give_feedback(bot, PEER)
    await give_feedback(bot, PEER, evidence="edited")
    await bot.wire.click(HIRING_MANAGER, "feedback_excuse", f"1:{LEADER}")
    await bot.fake.wait_for("response_url")
    await give_feedback(bot, CROSS)
    await decide(bot, HIRING_MANAGER, "advance", "Round 3 with the CTO")
    await update_candidate(bot, RECRUITER, "Invited to round 3")

    history = await private_answer(bot, HIRING_MANAGER, "history P-1")
    for phrase in (
        "scheduled the panel",
        "submitted feedback",
        "edited their feedback",
        f"excused a panelist from feedback (<@{LEADER}>)",
        "recorded a decision — *Advance*: Round 3 with the CTO",
        "updated the candidate: Invited to round 3",
        "Fri 27 Nov 2026, 11:00 EST",  # the reader's zone (New York)
    ):
        assert phrase in history, phrase
    assert "Fri 27 Nov 2026, 17:00 CET" in await private_answer(bot, PEER, "history p1")
    assert "can't find panel P-1" in await private_answer(bot, OUTSIDER, "history P-1")
    usage = await bot.wire.command(OUTSIDER, "help")
    assert "/panel history P-12" in json.dumps(usage.json())
