"""Shared steps for the after-the-panel tests: a panel that has ended, and the clicks and
modal submissions people make afterwards, all through Slack's wire."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import select

from bot.devtools.harness import Harness
from bot.devtools.people import COORDINATOR
from bot.models import AuditEvent, Panel
from bot.slack import ids
from tests.factories import scheduled

#: The factories' panel: Friday 27 Nov 2026, 15:00-16:00 UTC (10:00 in New York).
START = datetime(2026, 11, 27, 15, 0, tzinfo=UTC)
END = datetime(2026, 11, 27, 16, 0, tzinfo=UTC)

FEEDBACK = {
    "recommendation": "yes",
    "rating": "3",
    "evidence": "Designed a CDC pipeline end to end; clear on trade-offs.",
    "concerns": "Little streaming experience.",
    "questions_asked": "How would you backfill a year of events?\nWalk me through a schema change",
}


async def ended_panel(bot: Harness, **changes: Any) -> Panel:
    """The factories' panel, scheduled, with the clock at its end and what was due sent."""
    panel = await scheduled(bot, COORDINATOR, **changes)
    await bot.run_nudges(END)
    return panel


async def open_modal(bot: Harness, user_id: str, action_id: str, value: str) -> dict:
    before = len(bot.fake.calls_to("views.open"))
    response = await bot.wire.click(user_id, action_id, value)
    assert response.status_code == 200
    return (await bot.fake.wait_for("views.open", before + 1))[-1]["view"]


async def refused(bot: Harness, user_id: str, action_id: str, value: str) -> str:
    """Click a button that must be refused; returns the private answer."""
    before = len(bot.fake.calls_to("response_url"))
    views = len(bot.fake.calls_to("views.open"))
    await bot.wire.click(user_id, action_id, value)
    answer = (await bot.fake.wait_for("response_url", before + 1))[-1]
    assert len(bot.fake.calls_to("views.open")) == views
    return answer["text"]


async def give_feedback(bot: Harness, user_id: str, panel_id: int = 1, **changes: str) -> dict:
    view = await open_modal(bot, user_id, ids.FEEDBACK_OPEN, str(panel_id))
    response = await bot.wire.submit(user_id, view, {**FEEDBACK, **changes})
    await bot.unclaimed()
    return response.json() if response.content else {}


async def decide(bot: Harness, user_id: str, outcome: str, reason: str, panel_id: int = 1):
    view = await open_modal(bot, user_id, ids.DECISION_OPEN, f"{panel_id}:{outcome}")
    response = await bot.wire.submit(user_id, view, {"reason": reason})
    await bot.unclaimed()
    return response


async def update_candidate(bot: Harness, user_id: str, note: str, panel_id: int = 1):
    view = await open_modal(bot, user_id, ids.CANDIDATE_UPDATED_OPEN, str(panel_id))
    response = await bot.wire.submit(user_id, view, {"note": note})
    await bot.unclaimed()
    return response


async def actions(bot: Harness, panel_id: int = 1) -> list[tuple[str, str]]:
    async with bot.db.session() as session:
        rows = await session.scalars(
            select(AuditEvent).where(AuditEvent.panel_id == panel_id).order_by(AuditEvent.id)
        )
        return [(e.action, e.actor_id) for e in rows]
