"""Later rounds remember: the same candidate record, and round 2's questions as "already
asked" for round 3, end to end through the scheduling modal and the feedback modal."""

from __future__ import annotations

import json
from datetime import UTC, datetime

from sqlalchemy import select

from bot.devtools.people import COORDINATOR, CROSS, LEADER, PEER
from bot.models import Candidate, Panel
from bot.panels.rounds import earlier_rounds
from tests.factories import BALANCED, basics, seat_values, step_one
from tests.followup.kit import ended_panel, give_feedback

ROUND3_START = datetime(2026, 12, 9, 15, 0, tzinfo=UTC)


async def panel_by_id(bot, panel_id: int) -> Panel:
    async with bot.db.session() as session:
        return await session.get(Panel, panel_id)


async def test_round_three_joins_the_candidate_and_knows_round_two_questions(bot):
    await ended_panel(bot)
    await give_feedback(bot, PEER, questions_asked="How would you backfill a year of events?")
    await give_feedback(bot, CROSS, questions_asked="Who did you disagree with last quarter?")

    # Step 2 offers to join the earlier record, preselected, with the round inferred.
    step1 = await step_one(bot, ROUND3_START, command="new Ada Lovelace", prior_questions="")
    focus = step1["view"]
    offered = json.dumps(focus)
    assert "Same candidate as before?" in offered and "round 3" in offered

    panel3 = await bot.schedule(COORDINATOR, basics(bot, ROUND3_START, prior_notes=""), BALANCED)
    assert panel3.candidate_id == 1 and panel3.round_number == 3
    async with bot.db.session() as session:
        assert len(list(await session.scalars(select(Candidate)))) == 1
        covered = await earlier_rounds(session, await panel_by_id(bot, panel3.id))
    asked = {(q.text, q.round_number, q.asked_by) for q in covered.questions}
    assert ("How would you backfill a year of events?", 2, PEER) in asked
    assert ("Who did you disagree with last quarter?", 2, CROSS) in asked
    assert ("Tell me about yourself", 1, None) in asked  # round 1's, typed for round 2


async def test_a_different_person_with_the_same_name_gets_a_record_of_their_own(bot):
    await ended_panel(bot)
    await give_feedback(bot, LEADER, questions_asked="Why this team?")
    step1 = await step_one(bot, ROUND3_START, command="new Ada Lovelace")
    values = {"same_candidate": "new", **seat_values(BALANCED)}
    done = await bot.wire.submit(COORDINATOR, step1["view"], values)
    assert done.json() == {"response_action": "clear"}
    panel = await panel_by_id(bot, 2)
    assert panel.candidate_id == 2 and panel.round_number == 2
    async with bot.db.session() as session:
        covered = await earlier_rounds(session, panel)
    assert "Why this team?" not in {q.text for q in covered.questions}


async def test_a_forged_candidate_choice_cannot_attach_to_someone_else(bot):
    await ended_panel(bot)
    step1 = await step_one(bot, ROUND3_START, command="new Grace Hopper", candidate="Grace Hopper")
    focus_view = step1["view"]
    assert "Same candidate as before?" not in json.dumps(focus_view)
    values = seat_values(BALANCED)
    # A hand-made block claiming Ada's record is ignored: the names differ.
    forged = {**focus_view, "blocks": [*focus_view["blocks"], _radio("reuse:1")]}
    await bot.wire.submit(COORDINATOR, forged, values)
    panel = await panel_by_id(bot, 2)
    assert panel.candidate_id == 2


def _radio(value: str) -> dict:
    option = {"text": {"type": "plain_text", "text": "x"}, "value": value}
    return {
        "type": "input",
        "block_id": "same_candidate",
        "label": {"type": "plain_text", "text": "x"},
        "element": {"type": "radio_buttons", "options": [option], "initial_option": option},
    }
