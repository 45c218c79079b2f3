"""Feedback through Slack's wire: asked at the end, given in a modal, editable until the
decision, reminded and escalated, and who may read whose."""

from __future__ import annotations

import json
from datetime import UTC, datetime

from sqlalchemy import select

from bot.devtools.people import (
    COORDINATOR,
    CROSS,
    HIRING_MANAGER,
    LEADER,
    OUTSIDER,
    PEER,
    RECRUITER,
)
from bot.models import Feedback
from bot.slack import ids
from tests.followup.kit import (
    FEEDBACK,
    actions,
    decide,
    ended_panel,
    give_feedback,
    open_modal,
    refused,
)
from tests.support.messages import command_reply, dms


async def feedback_rows(bot) -> dict[str, Feedback]:
    async with bot.db.session() as session:
        return {f.author_id: f for f in await session.scalars(select(Feedback))}


async def test_each_panelist_is_asked_at_the_end_and_gives_feedback_in_a_modal(bot):
    await ended_panel(bot)
    for user in (PEER, CROSS, LEADER):
        (ask,) = dms(bot, user, "Your feedback, please")
        assert f'"action_id": "{ids.FEEDBACK_OPEN}"' in json.dumps(ask["blocks"])
    assert dms(bot, HIRING_MANAGER, "feedback") == []

    view = await open_modal(bot, PEER, ids.FEEDBACK_OPEN, "1")
    assert view["callback_id"] == ids.FEEDBACK_SUBMIT
    assert "Technical depth" in json.dumps(view)
    answer = await bot.wire.submit(PEER, view, FEEDBACK)
    assert answer.status_code == 200 and not answer.content.strip(b"{} ")

    rows = await feedback_rows(bot)
    assert set(rows) == {PEER}
    assert (rows[PEER].recommendation, rows[PEER].rating) == ("yes", 3)
    assert rows[PEER].questions_asked == [
        "How would you backfill a year of events?",
        "Walk me through a schema change",
    ]
    assert ("feedback_submitted", PEER) in await actions(bot)
    # Re-planned in the same transaction: Pat's reminder is gone, the others' stay.
    reminders = {n.recipient_id: n.status for n in await bot.nudges(kind="feedback_reminder")}
    assert reminders == {PEER: "cancelled", CROSS: "pending", LEADER: "pending"}


async def test_wrong_feedback_comes_back_as_field_errors(bot):
    await ended_panel(bot)
    view = await open_modal(bot, PEER, ids.FEEDBACK_OPEN, "1")
    answer = await bot.wire.submit(
        PEER, view, {**FEEDBACK, "recommendation": None, "evidence": "  "}
    )
    errors = answer.json()["errors"]
    assert set(errors) == {"recommendation", "evidence"}
    assert await feedback_rows(bot) == {}


async def test_feedback_is_editable_by_its_author_until_the_decision(bot):
    await ended_panel(bot)
    await give_feedback(bot, PEER)
    view = await open_modal(bot, PEER, ids.FEEDBACK_OPEN, "1")
    assert "Designed a CDC pipeline" in json.dumps(view)  # their answers, to edit
    await bot.wire.submit(PEER, view, {**FEEDBACK, "recommendation": "strong_yes"})
    rows = await feedback_rows(bot)
    assert rows[PEER].recommendation == "strong_yes" and len(rows) == 1
    assert [a for a in await actions(bot) if a[0].startswith("feedback")] == [
        ("feedback_submitted", PEER),
        ("feedback_edited", PEER),
    ]

    await give_feedback(bot, CROSS)
    await give_feedback(bot, LEADER)
    bot.clock.set(datetime(2026, 11, 30, 15, 0, tzinfo=UTC))
    await decide(bot, HIRING_MANAGER, "offer", "Strong on every focus")
    text = await refused(bot, PEER, ids.FEEDBACK_OPEN, "1")
    assert "final" in text
    # A modal opened before the decision cannot sneak a change in either.
    answer = await bot.wire.submit(PEER, view, {**FEEDBACK, "recommendation": "no"})
    assert "final" in answer.json()["errors"]["evidence"]
    assert (await feedback_rows(bot))[PEER].recommendation == "strong_yes"


async def test_only_attending_panelists_give_feedback(bot):
    await ended_panel(bot)
    assert "can't find panel P-1" in await refused(bot, OUTSIDER, ids.FEEDBACK_OPEN, "1")
    assert "interviewers" in await refused(bot, RECRUITER, ids.FEEDBACK_OPEN, "1")
    # A forged submission by someone not on the panel stores nothing.
    view = await open_modal(bot, PEER, ids.FEEDBACK_OPEN, "1")
    answer = await bot.wire.submit(OUTSIDER, view, FEEDBACK)
    assert "no longer exists" in answer.json()["errors"]["evidence"] or "find" in json.dumps(
        answer.json()
    )
    assert await feedback_rows(bot) == {}


async def status_text(bot, user_id: str) -> str:
    answer = await command_reply(bot, user_id, "status P-1")
    return answer["text"] + json.dumps(answer.get("blocks", []))


async def test_panelists_see_others_feedback_only_after_giving_their_own(bot):
    await ended_panel(bot)
    await give_feedback(bot, CROSS, evidence="Carlos saw crisp stakeholder answers")

    before = await status_text(bot, PEER)
    assert "feedback 1/3 in" in before
    assert "Carlos saw crisp" not in before
    assert "once you've submitted yours" in before

    await give_feedback(bot, PEER, evidence="Pat liked the CDC design")
    after = await status_text(bot, PEER)
    assert "Carlos saw crisp" in after and "Pat liked the CDC design" in after

    for owner in (HIRING_MANAGER, RECRUITER, COORDINATOR):
        assert "Carlos saw crisp" in await status_text(bot, owner)
    assert "Carlos saw crisp" not in await status_text(bot, LEADER)
    assert "can't find panel P-1" in await status_text(bot, OUTSIDER)
