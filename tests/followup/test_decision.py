"""Reminders, escalation with "Excuse", the decision summary, decisions (hold is not final)
and the recruiter's "I've updated the candidate", through Slack's wire."""

from __future__ import annotations

import json
from datetime import UTC, datetime

from sqlalchemy import select

from bot.devtools.people import (
    COORDINATOR,
    CROSS,
    HIRING_MANAGER,
    LEADER,
    PEER,
    RECRUITER,
)
from bot.models import CandidateUpdate, Decision, Panelist
from bot.slack import ids
from tests.followup.kit import (
    actions,
    decide,
    ended_panel,
    give_feedback,
    open_modal,
    refused,
    update_candidate,
)
from tests.support.messages import dms

MON_NOON_NY = datetime(2026, 11, 30, 17, 0, tzinfo=UTC)
TUE_11_NY = datetime(2026, 12, 1, 16, 0, tzinfo=UTC)


async def test_late_feedback_is_reminded_then_escalated_and_can_be_excused(bot):
    await ended_panel(bot)
    await give_feedback(bot, CROSS)

    await bot.run_nudges(MON_NOON_NY)  # a business day after the end, in their own hours
    assert len(dms(bot, LEADER, "Reminder: your feedback")) == 1
    assert dms(bot, CROSS, "Reminder") == []  # already gave it
    assert dms(bot, PEER, "Reminder: your feedback") == []  # 18:00 in Berlin: tomorrow

    await bot.run_nudges(TUE_11_NY)
    assert len(dms(bot, PEER, "Reminder: your feedback")) == 1
    (escalation,) = dms(bot, HIRING_MANAGER, "feedback missing from 2 panelists")
    blocks = json.dumps(escalation["blocks"])
    assert f"<@{PEER}>, 1 business day overdue" in blocks
    assert f'"value": "1:{LEADER}"' in blocks and ids.FEEDBACK_EXCUSE in blocks
    assert (await bot.run_nudges(TUE_11_NY)).sent == 0  # nothing twice

    # Only owners excuse; a panelist's click is refused and changes nothing.
    assert "coordinator" in await refused(bot, PEER, ids.FEEDBACK_EXCUSE, f"1:{LEADER}")
    await bot.wire.click(HIRING_MANAGER, ids.FEEDBACK_EXCUSE, f"1:{LEADER}")
    answer = (await bot.fake.wait_for("response_url", 2))[-1]
    assert "excused from feedback on P-1" in answer["text"]
    await bot.unclaimed()
    async with bot.db.session() as session:
        seat = await session.scalar(select(Panelist).where(Panelist.user_id == LEADER))
        assert seat.excused_at == TUE_11_NY
    assert ("excused", HIRING_MANAGER) in await actions(bot)
    assert dms(bot, HIRING_MANAGER, "Ready for your decision") == []  # Pat still owes it

    await give_feedback(bot, PEER, recommendation="strong_yes", evidence="Best CDC answer yet")
    (summary,) = dms(bot, HIRING_MANAGER, "Ready for your decision")
    blocks = json.dumps(summary["blocks"])
    assert "Strong yes" in blocks and "Best CDC answer yet" in blocks
    assert "Technical depth" in blocks and "Stakeholder alignment" in blocks
    assert f"Excused: <@{LEADER}>" in blocks
    for outcome in ("advance", "offer", "reject", "hold"):
        assert f'"value": "1:{outcome}"' in blocks


async def all_feedback_in(bot):
    await ended_panel(bot)
    for user in (PEER, CROSS, LEADER):
        await give_feedback(bot, user)


async def test_the_decision_is_recorded_and_the_recruiter_asked_to_tell_the_candidate(bot):
    await all_feedback_in(bot)
    assert len(dms(bot, HIRING_MANAGER, "Ready for your decision")) == 1

    assert "hiring manager decides" in await refused(bot, COORDINATOR, ids.DECISION_OPEN, "1:offer")
    view = await open_modal(bot, HIRING_MANAGER, ids.DECISION_OPEN, "1:offer")
    assert view["callback_id"] == ids.DECISION_SUBMIT
    empty = await bot.wire.submit(HIRING_MANAGER, view, {"reason": " "})
    assert set(empty.json()["errors"]) == {"reason"}

    await decide(bot, HIRING_MANAGER, "offer", "Strong on all three focus areas")
    async with bot.db.session() as session:
        (decision,) = await session.scalars(select(Decision))
    assert (decision.outcome, decision.decided_by) == ("offer", HIRING_MANAGER)
    (ask,) = dms(bot, RECRUITER, "Please update the candidate")
    assert ids.CANDIDATE_UPDATED_OPEN in json.dumps(ask["blocks"])
    assert {n.status for n in await bot.nudges(kind="decision_reminder")} == {"cancelled"}

    assert "recruiter records" in await refused(
        bot, HIRING_MANAGER, ids.CANDIDATE_UPDATED_OPEN, "1"
    )
    await update_candidate(bot, RECRUITER, "Called Ada: offer letter on Friday")
    async with bot.db.session() as session:
        (update,) = await session.scalars(select(CandidateUpdate))
    assert update.note == "Called Ada: offer letter on Friday"
    # The loop is closed: nothing about this candidate is pending any more.
    assert await bot.nudges(status="pending") == []
    assert [a for a, _ in await actions(bot)][-2:] == ["decided", "candidate_updated"]


async def test_hold_is_not_final_and_restarts_the_decision_clock(bot):
    await all_feedback_in(bot)
    bot.clock.set(datetime(2026, 11, 30, 15, 0, tzinfo=UTC))
    await decide(bot, HIRING_MANAGER, "hold", "Waiting for the second finalist")
    pending = await bot.nudges(kind="decision_reminder", status="pending")
    assert len(pending) == 1 and pending[0].dedupe_key.endswith(":h20261130T150000Z")
    assert pending[0].due_at == datetime(2026, 12, 2, 15, 0, tzinfo=UTC)  # HIREBOT_DECISION_SLA
    # Rita is asked to tell Ada it takes longer, with a draft to start from.
    await bot.run_nudges(datetime(2026, 11, 30, 15, 0, tzinfo=UTC))
    (ask,) = dms(bot, RECRUITER, "Please update the candidate")
    assert "still completing its review" in json.dumps(ask["blocks"])
    # Feedback can still be edited while on hold.
    view = await open_modal(bot, PEER, ids.FEEDBACK_OPEN, "1")
    assert view["callback_id"] == ids.FEEDBACK_SUBMIT
    # Two business days later the hiring manager is reminded, with the hold's reason.
    await bot.run_nudges(datetime(2026, 12, 2, 15, 0, tzinfo=UTC))
    (reminder,) = dms(bot, HIRING_MANAGER, "Decision reminder")
    assert "Waiting for the second finalist" in json.dumps(reminder["blocks"])


async def test_user_text_is_escaped_and_long_feedback_cut_visibly(bot):
    await ended_panel(bot, candidate="<!channel> & Co")
    long = "Evidence <@U0EVERYONE> " + "x" * 2900
    for user in (PEER, CROSS, LEADER):
        await give_feedback(bot, user, evidence=long, concerns="<!here> " + "y" * 2900)
    (summary,) = dms(bot, HIRING_MANAGER, "Ready for your decision")
    raw = json.dumps(summary, ensure_ascii=False)
    assert "<!channel>" not in raw and "<!here>" not in raw and "<@U0EVERYONE>" not in raw
    assert "&lt;!channel&gt; &amp; Co" in raw and "…" in raw
    # (the fake Slack validated every block: nothing over Block Kit's limits was sent)


async def test_a_decision_button_without_an_outcome_lets_the_manager_choose(bot):
    await all_feedback_in(bot)
    view = await open_modal(bot, HIRING_MANAGER, ids.DECISION_OPEN, "1")
    unchosen = await bot.wire.submit(HIRING_MANAGER, view, {"reason": "Not this time"})
    assert set(unchosen.json()["errors"]) == {"outcome"}
    await bot.wire.submit(HIRING_MANAGER, view, {"outcome": "reject", "reason": "Not this time"})
    async with bot.db.session() as session:
        (decision,) = await session.scalars(select(Decision))
    assert (decision.outcome, decision.reason) == ("reject", "Not this time")


async def test_a_refused_click_outside_a_message_is_answered_privately_in_the_dm(bot):
    """Buttons on App Home carry no response_url: the refusal comes as an ephemeral DM."""
    await ended_panel(bot)
    home = {"type": "view", "view_id": "VHOME"}
    await bot.wire.click(COORDINATOR, ids.DECISION_OPEN, "1", container=home)
    (ephemeral,) = await bot.fake.wait_for("chat.postEphemeral")
    assert ephemeral["user"] == COORDINATOR and "hiring manager decides" in ephemeral["text"]
