"""A start outside a panelist's working hours, in their own zone, is named to the coordinator:
in the confirmation, in ``/panel status`` and in the reschedule receipt."""

from __future__ import annotations

import json
from datetime import UTC, datetime

import pytest

from bot.devtools.people import COORDINATOR, CROSS, LEADER, PEER, PEER2
from tests.factories import scheduled
from tests.support.messages import command_reply, text_of

#: Priya (Kolkata) and Pat (Berlin) are peers; Lee (New York) leads; Carlos (Los Angeles) is
#: cross-functional. The factory's start, Fri 27 Nov 15:00 UTC, is 20:30 for Priya.
SEATS = {
    PEER2: ("technical_depth", "peer"),
    PEER: ("culture_values", "peer"),
    CROSS: ("stakeholder_alignment", "cross_functional"),
    LEADER: ("leadership", "leadership"),
}
PRIYA_AT_2030 = "Priya Peer (Fri 20:30–21:30 IST)"


async def reschedule(bot, user: str, start: datetime) -> dict:
    """Move P-1 to ``start`` through the modal; returns the mover's receipt."""
    opened = len(bot.fake.calls_to("views.open"))
    await bot.wire.command(user, "reschedule P-1")
    view = (await bot.fake.wait_for("views.open", opened + 1))[-1]["view"]
    before = len(bot.fake.dms_to(user))
    fields = {**bot.local_fields(start, "Europe/London"), "duration": "60"}
    response = await bot.wire.submit(user, view, fields)
    assert response.status_code == 200, response.text
    dms = await bot.fake.wait_for(
        "chat.postMessage", before + 1, where=lambda m: m["channel"] == bot.dm(user)
    )
    receipt = dms[-1]
    assert receipt["text"].startswith("You moved P-1"), receipt["text"]
    return receipt


async def test_a_start_at_2030_in_kolkata_is_named_everywhere_the_coordinator_looks(bot):
    await scheduled(bot, COORDINATOR, seats=SEATS)
    confirmation = text_of(bot.fake.dms_to(COORDINATOR)[-1])
    # Carlos starts at 07:00 in Los Angeles: outside too, and named with his own time.
    assert (
        "Outside working hours (09:00-17:00, their own time) for"
        f" {PRIYA_AT_2030} and Carlos Cross (Fri 07:00–08:00 PST)" in confirmation
    )
    assert "Pat Peer (" not in confirmation and "Lee Leader (" not in confirmation

    status = json.dumps(await command_reply(bot, COORDINATOR, "status P-1"), ensure_ascii=False)
    assert PRIYA_AT_2030 in status and "Outside working hours" in status

    # Monday 09:00 UTC: 14:30 in Kolkata, 10:00 in Berlin... and 01:00 in Los Angeles.
    receipt = text_of(await reschedule(bot, COORDINATOR, datetime(2026, 11, 30, 9, 0, tzinfo=UTC)))
    assert "Outside working hours" in receipt
    assert "Carlos Cross (Mon 01:00–02:00 PST) and Lee Leader (Mon 04:00–05:00 EST)" in receipt
    assert "Priya Peer" not in receipt.split("Outside working hours")[1]
    # Only the mover's receipt carries the check; the panelists just learn the new time.
    panelists = {bot.dm(u) for u in SEATS}
    notices = await bot.fake.wait_for(
        "chat.postMessage",
        len(SEATS),
        where=lambda m: m["channel"] in panelists and "moved P-1" in m["text"],
    )
    assert {m["channel"] for m in notices} == panelists
    assert not any("Outside working hours" in text_of(m) for m in notices)

    status = json.dumps(await command_reply(bot, COORDINATOR, "status P-1"), ensure_ascii=False)
    assert "Lee Leader (Mon 04:00–05:00 EST)" in status and PRIYA_AT_2030 not in status


async def test_a_receipt_for_a_time_inside_everyones_hours_has_no_warning(bot):
    seats = {PEER2: ("technical_depth", "peer"), PEER: ("culture_values", "leadership")}
    await scheduled(bot, COORDINATOR, seats=seats)
    assert PRIYA_AT_2030 in text_of(bot.fake.dms_to(COORDINATOR)[-1])
    # Monday 09:00 UTC is 14:30 for Priya and 10:00 for Pat.
    receipt = await reschedule(bot, COORDINATOR, datetime(2026, 11, 30, 9, 0, tzinfo=UTC))
    assert "Outside working hours" not in text_of(receipt)
    assert "Composition check" not in text_of(receipt)


@pytest.mark.parametrize(
    ("settings_overrides", "named"),
    [
        ({}, "Priya Peer (Sat 14:30–15:30 IST) and Pat Peer (Sat 10:00–11:00 CET)"),
        ({"business_time": False}, None),
    ],
    ids=["business-time", "every-day-a-workday"],
)
async def test_a_saturday_is_outside_when_business_time_is_on(bot, settings_overrides, named):
    seats = {PEER2: ("technical_depth", "peer"), PEER: ("culture_values", "leadership")}
    await scheduled(bot, COORDINATOR, seats=seats)
    receipt = text_of(await reschedule(bot, COORDINATOR, datetime(2026, 11, 28, 9, 0, tzinfo=UTC)))
    if named:
        assert f"Outside working hours (09:00-17:00, their own time) for {named}" in receipt
    else:
        assert "Outside working hours" not in receipt


@pytest.mark.parametrize("settings_overrides", [{"working_hours": "07:00-22:00"}])
async def test_the_hours_come_from_the_setting(bot, settings_overrides):
    """With HIREBOT_WORKING_HOURS wide enough for 20:30 and 07:00, the panel is fine as it is."""
    await scheduled(bot, COORDINATOR, seats=SEATS)
    confirmation = text_of(bot.fake.dms_to(COORDINATOR)[-1])
    assert "the panel looks well balanced" in confirmation
