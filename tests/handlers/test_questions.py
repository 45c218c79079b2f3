""" "Plan my questions" through Slack's wire: who may open it, field errors, repeats of round 1
and of another panelist flagged, editing clears the flag, and the coordinator's coverage."""

from __future__ import annotations

import json
import re

from slack_sdk.models.blocks import Block
from slack_sdk.models.views import View
from sqlalchemy import select, update

from bot.devtools.people import COORDINATOR, CROSS, LEADER, OUTSIDER, PEER
from bot.models import AuditEvent, Panel, Panelist
from bot.slack import ids
from tests.factories import scheduled
from tests.support.messages import command_reply, text_of

PLANNED = "How would you design an idempotent backfill?\nSo why are you looking to leave your current job?"


def valid(view: dict) -> dict:
    """A view the bot answered with (not sent through the Web API): validate it as Slack would."""
    View(**view).validate_json()
    assert len(view["blocks"]) <= 100
    for raw in view["blocks"]:
        block = Block.parse(raw)
        assert block is not None, raw
        block.validate_json()
    return view


async def open_plan(bot, user_id: str, panel_id: int = 1) -> dict:
    before = len(bot.fake.calls_to("views.open"))
    await bot.wire.click(user_id, ids.PREP_PLAN_QUESTIONS, str(panel_id))
    return (await bot.fake.wait_for("views.open", before + 1))[-1]["view"]


async def submit(bot, user_id: str, view: dict, questions: str | None) -> dict:
    response = await bot.wire.submit(user_id, view, {"questions": questions})
    assert response.status_code == 200, response.text
    return response.json()


async def seat(bot, user_id: str, panel_id: int = 1) -> Panelist:
    async with bot.db.session() as session:
        return await session.scalar(
            select(Panelist).where(Panelist.panel_id == panel_id, Panelist.user_id == user_id)
        )


async def plan_directly(bot, user_id: str, questions: list[str]) -> None:
    """Setup: another panelist's plan (the wire path for it is tested below)."""
    async with bot.db.session() as session:
        await session.execute(
            update(Panelist)
            .where(Panelist.panel_id == 1, Panelist.user_id == user_id)
            .values(planned_questions=questions, questions_planned_at=bot.clock.now())
        )


async def audits(bot) -> list[AuditEvent]:
    async with bot.db.session() as session:
        query = select(AuditEvent).where(AuditEvent.action == "questions_planned")
        return list(await session.scalars(query.order_by(AuditEvent.id)))


async def test_panelist_opens_the_modal_with_their_focus_and_what_round_1_covered(bot):
    await scheduled(bot, COORDINATOR)
    view = await open_plan(bot, PEER)
    assert view["callback_id"] == ids.PLAN_QUESTIONS
    assert json.loads(view["private_metadata"]) == {"panel": 1}
    body = text_of(view)
    assert "Your focus: *Technical depth*" in body and "Ada Lovelace" in body
    assert "R1: Tell me about yourself" in body and "R1: Why are you leaving your job?" in body
    field = next(b for b in view["blocks"] if b.get("block_id") == "questions")
    assert "initial_value" not in field["element"]

    # Next time it opens with the saved plan, and with what that plan repeats.
    await submit(bot, PEER, view, PLANNED)
    again = await open_plan(bot, PEER)
    field = next(b for b in again["blocks"] if b.get("block_id") == "questions")
    assert field["element"]["initial_value"] == PLANNED
    assert "repeats round 1" in text_of(again)


async def test_only_attending_panelists_of_a_live_panel_may_plan(bot):
    await scheduled(bot, COORDINATOR)
    await scheduled(bot, COORDINATOR, candidate="Grace Hopper")
    async with bot.db.session() as session:
        await session.execute(
            update(Panelist)
            .where(Panelist.panel_id == 1, Panelist.user_id == LEADER)
            .values(declined_at=bot.clock.now(), decline_reason="travelling")
        )
        await session.execute(update(Panel).where(Panel.id == 2).values(status="cancelled"))

    refusals = [
        (OUTSIDER, 1, "I can't find panel P-1."),  # not on it: it does not exist for them
        (OUTSIDER, 99, "I can't find panel P-99."),
        (PEER, 0, "I can't find panel P-0."),  # a mangled button value
        (COORDINATOR, 1, "Only P-1's panelists plan questions"),
        (LEADER, 1, "You told us you can't attend P-1"),
        (PEER, 2, "P-2 is cancelled"),
    ]
    home = {"type": "view", "view_id": "VHOME"}  # App Home: answered in the DM
    for count, (user_id, panel_id, expected) in enumerate(refusals, start=1):
        await bot.wire.click(user_id, ids.PREP_PLAN_QUESTIONS, str(panel_id), container=home)
        refusal = (await bot.fake.wait_for("chat.postEphemeral", count))[-1]
        assert refusal["user"] == user_id and refusal["text"].startswith(expected), refusal
        assert "Ada" not in refusal["text"]
    opened = bot.fake.calls_to("views.open")
    assert [v for v in opened if v["view"]["callback_id"] == ids.PLAN_QUESTIONS] == []
    assert await audits(bot) == []


async def test_submissions_are_checked_into_field_errors_and_change_nothing(bot):
    await scheduled(bot, COORDINATOR)
    view = await open_plan(bot, PEER)
    cases = [
        ("  \n ", "Write at least one question"),
        ("\n".join(f"Question {i}?" for i in range(21)), "That's 21 questions"),
        ("Fine?\n" + "x" * 301, "Question 2 is 301 characters"),
    ]
    for text, expected in cases:
        answer = await submit(bot, PEER, view, text)
        assert answer["response_action"] == "errors"
        assert answer["errors"]["questions"].startswith(expected)
    assert (await seat(bot, PEER)).planned_questions == []
    assert await audits(bot) == []


async def test_a_repeat_of_round_1_is_flagged_and_the_plan_saved(bot):
    await scheduled(bot, COORDINATOR)
    view = await open_plan(bot, PEER)
    answer = await submit(bot, PEER, view, "1. " + PLANNED.replace("\n", "\n2. "))

    assert answer["response_action"] == "update"
    flagged = valid(answer["view"])
    body = text_of(flagged)
    assert "1 of your 2 questions repeats" in body
    assert "*2.* “So why are you looking to leave your current job?”" in body
    assert "repeats round 1: “Why are you leaving your job?”" in body
    assert "idempotent backfill?”\\n" not in body  # the other question is not flagged
    field = next(b for b in flagged["blocks"] if b.get("block_id") == "questions")
    assert field["element"]["initial_value"] == PLANNED  # edit right here
    assert (
        flagged["callback_id"] == ids.PLAN_QUESTIONS and flagged["submit"]["text"] == "Save again"
    )

    stored = await seat(bot, PEER)
    assert stored.planned_questions == PLANNED.split("\n")
    assert stored.questions_planned_at == bot.clock.now()
    [event] = await audits(bot)
    assert (event.actor_id, event.panel_id, event.detail) == (
        PEER,
        1,
        {"questions": 2, "overlaps": 1},
    )


async def test_a_repeat_of_another_panelists_plan_is_flagged_and_editing_clears_it(bot):
    await scheduled(bot, COORDINATOR)
    await plan_directly(bot, CROSS, ["What's your earliest possible start date?"])
    view = await open_plan(bot, PEER)
    answer = await submit(bot, PEER, view, "When could you start?")
    flagged = valid(answer["view"])
    # What it repeats, how sure HireBot is, and why; advice, not a block.
    # "likely, 85%" with light, "very likely, 91%" with semantic: each score is calibrated.
    assert re.search(
        re.escape(f"repeats <@{CROSS}>'s plan: “What's your earliest possible start date?”")
        + r" _\((?:very )?likely, (?:8|9)\d%; both ask about the start date\)_",
        text_of(flagged),
    )
    assert "This is advice: you decide." in text_of(flagged)

    # Edit in the same modal and save again: nothing repeats now.
    edited = "How do you test streaming pipelines?\nHow would you design an idempotent backfill?"
    answer = await submit(bot, PEER, flagged, edited)
    assert answer["response_action"] == "update"
    saved = valid(answer["view"])
    assert "submit" not in saved  # a receipt, nothing more to fill in
    assert "Saved your 2 questions for P-1.* None repeats" in text_of(saved)
    assert (await seat(bot, PEER)).planned_questions == edited.split("\n")
    assert [e.detail["overlaps"] for e in await audits(bot)] == [1, 0]


async def test_submit_rechecks_who_may_plan(bot):
    await scheduled(bot, COORDINATOR)
    view = await open_plan(bot, PEER)
    async with bot.db.session() as session:
        await session.execute(update(Panel).where(Panel.id == 1).values(status="cancelled"))
    answer = await submit(bot, PEER, view, PLANNED)
    assert answer == {
        "response_action": "errors",
        "errors": {"questions": "P-1 is cancelled, so there is nothing to plan."},
    }
    # Someone else replaying the form learns nothing about the panel.
    answer = await submit(bot, OUTSIDER, view, PLANNED)
    assert answer["errors"]["questions"] == "This panel no longer exists."
    assert (await seat(bot, PEER)).planned_questions == []
    assert await audits(bot) == []


async def test_coordinators_status_shows_coverage_per_focus_area_and_overlaps_left(bot):
    await scheduled(bot, COORDINATOR)
    await plan_directly(bot, CROSS, ["What's your earliest possible start date?"])
    view = await open_plan(bot, PEER)
    await submit(bot, PEER, view, "When could you start?")

    status = await command_reply(bot, COORDINATOR, "status P-1")
    body = json.dumps(status["blocks"], ensure_ascii=False)
    assert "*Planned questions by focus area*" in body
    assert f"• *Technical depth* (<@{PEER}>): 1 question planned · :warning: 1 repeat" in body
    assert f"• *Stakeholder alignment* (<@{CROSS}>): 1 question planned" in body
    assert f"• *Culture and values* (<@{LEADER}>): no questions planned yet" in body
    assert f"• <@{PEER}>: “When could you start?” repeats <@{CROSS}>'s plan" in body

    # Once edited, no overlap is left; panelists' own status has no coverage section.
    await submit(bot, PEER, view, "How do you test streaming pipelines?")
    status = await command_reply(bot, COORDINATOR, "status P-1")
    body = json.dumps(status["blocks"], ensure_ascii=False)
    assert "Overlaps left" not in body and "No planned question repeats" in body
    status = await command_reply(bot, PEER, "status P-1")
    assert "Planned questions" not in json.dumps(status["blocks"])


async def test_questions_are_escaped_and_cut_wherever_they_are_quoted(bot):
    await scheduled(bot, COORDINATOR)
    view = await open_plan(bot, PEER)
    sneaky = "Why are you leaving your job <!channel> & when? " + "really " * 30
    # Another panelist planned the same question, so every matcher flags it.
    await plan_directly(bot, CROSS, [sneaky])
    answer = await submit(bot, PEER, view, sneaky)
    flagged = valid(answer["view"])
    # mrkdwn quotes it escaped; the plain-text input gives it back exactly as typed.
    body = json.dumps([b for b in flagged["blocks"] if b["type"] != "input"], ensure_ascii=False)
    assert "&lt;!channel&gt; &amp; when?" in body and "<!channel>" not in body
    field = next(b for b in flagged["blocks"] if b.get("block_id") == "questions")
    assert field["element"]["initial_value"] == sneaky.strip()
    assert "…”" in body and "really " * 30 not in body  # quotes are cut visibly

    status = json.dumps((await command_reply(bot, COORDINATOR, "status P-1"))["blocks"])
    assert "&lt;!channel&gt;" in status and "<!channel>" not in status
