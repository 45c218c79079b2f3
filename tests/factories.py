"""Ready-made form values for the scheduling modal, varied per test."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from bot.devtools.harness import Harness
from bot.devtools.people import COORDINATOR, CROSS, HIRING_MANAGER, LEADER, PEER, RECRUITER

BALANCED = {
    PEER: ("technical_depth", "peer"),
    CROSS: ("stakeholder_alignment", "cross_functional"),
    LEADER: ("culture_values", "leadership"),
}


def basics(bot: Harness, start: datetime | None = None, **changes: Any) -> dict[str, Any]:
    """A valid first step, two days out at 10:00 New York time unless ``start`` says otherwise."""
    start = start or (bot.clock.now() + timedelta(days=2)).replace(hour=15, minute=0)
    values: dict[str, Any] = {
        "candidate": "Ada Lovelace",
        "role_title": "Senior Data Engineer",
        "responsibilities": "Own the ingestion pipelines and mentor two engineers.",
        "round": "2",
        **bot.local_fields(start, "America/New_York"),
        "duration": "60",
        "format": "conversation",
        "location": "https://meet.example.com/ada-r2",
        "hiring_manager": HIRING_MANAGER,
        "recruiter": RECRUITER,
        "resume_url": "https://files.example.com/ada.pdf",
        "prior_notes": "Strong on SQL; light on streaming.",
        "prior_questions": "Tell me about yourself\n- Why are you leaving your job?",
    }
    values.update(changes)
    return values


async def step_one(
    bot: Harness,
    start: datetime | None = None,
    *,
    command: str = "new",
    seats: dict[str, tuple[str, str]] | None = None,
    **changes: Any,
) -> dict[str, Any]:
    """Type ``/panel <command>`` as the coordinator and submit the form's first step: ``basics``
    with ``changes``, ``seats``' panelists (``BALANCED``'s unless given). Slack's answer: a push
    to step two, or field errors."""
    view = await bot.open_scheduler(COORDINATOR, command)
    panelists = list(BALANCED if seats is None else seats)
    response = await bot.wire.submit(
        COORDINATOR, view, {"panelists": panelists, **basics(bot, start, **changes)}
    )
    assert response.status_code == 200, response.text
    return response.json()


async def scheduled(
    bot: Harness, coordinator: str, seats=None, *, confirmed: bool = True, **changes: Any
):
    return await bot.schedule(
        coordinator, basics(bot, **changes), seats or BALANCED, confirmed=confirmed
    )


def seat_values(seats: dict[str, tuple[str, str]]) -> dict[str, str]:
    """The scheduling form's second step filled in: each panelist's focus area and perspective."""
    values: dict[str, str] = {}
    for user_id, (focus, perspective) in seats.items():
        values[f"focus:{user_id}"] = focus
        values[f"perspective:{user_id}"] = perspective
    return values
