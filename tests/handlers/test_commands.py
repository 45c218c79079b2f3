"""``/panel`` through Slack's wire: usage, list, status, reschedule, cancel, and who may."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

import pytest
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
from bot.models import AuditEvent, Panel
from tests.factories import scheduled
from tests.support.messages import command_reply, text_of


def answer_text(response) -> str:
    """What the caller sees from a command's immediate answer (JSON, or Bolt's plain text)."""
    if not response.headers.get("content-type", "").startswith("application/json"):
        return response.text
    return text_of(response.json())


async def responded(bot, count: int = 1) -> dict:
    """The latest message the bot sent back through a command's response_url."""
    return (await bot.fake.wait_for("response_url", count))[-1]


@pytest.mark.parametrize("text", ["", "help", "  HELP "])
async def test_help_shows_usage_only_to_the_caller(bot, text):
    response = await bot.wire.command(OUTSIDER, text)
    assert response.status_code == 200
    body = answer_text(response)
    assert "/panel new [candidate name]" in body and "/panel reschedule P-12" in body
    assert response.json().get("response_type", "ephemeral") == "ephemeral"
    assert bot.fake.calls_to("chat.postMessage") == []


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        ("frobnicate", "I don't know “frobnicate”."),
        ("status", "“status” needs a panel, for example “status P-12”."),
        ("cancel twelve", "“twelve” is not a panel reference like “P-12”."),
        ("list everything", "“list” takes no arguments."),
    ],
)
async def test_wrong_commands_get_usage_with_the_reason(bot, text, problem):
    response = await bot.wire.command(COORDINATOR, text)
    body = answer_text(response)
    assert problem in body
    assert "/panel status P-12" in body


async def test_new_opens_the_modal_prefilled_in_the_coordinators_zone(bot):
    view = await bot.open_scheduler(COORDINATOR, "new Grace Hopper")
    inputs = {b["block_id"]: b["element"] for b in view["blocks"] if b["type"] == "input"}
    assert inputs["candidate"]["initial_value"] == "Grace Hopper"
    assert inputs["timezone"]["initial_option"]["value"] == "America/New_York"
    assert inputs["round"]["initial_value"] == "2"
    assert inputs["panelists"]["max_selected_items"] == 8
    labels = [b["label"]["text"] for b in view["blocks"] if b["type"] == "input"]
    assert "Round 1 questions already asked" in labels and "Résumé link" in labels


@pytest.mark.parametrize("settings_overrides", [{"coordinators": COORDINATOR}])
async def test_only_listed_coordinators_schedule(bot, settings_overrides):
    response = await bot.wire.command(OUTSIDER, "new Someone")
    assert "Only coordinators can schedule panels" in answer_text(response)
    assert bot.fake.calls_to("views.open") == []
    # A listed coordinator still can.
    view = await bot.open_scheduler(COORDINATOR)
    assert view["callback_id"] == "panel_schedule_basics"


async def test_list_shows_only_the_callers_panels(bot):
    await scheduled(bot, COORDINATOR, candidate="Ada Lovelace")
    await scheduled(
        bot, COORDINATOR, candidate="Alan Turing", seats={CROSS: ("technical_depth", "peer")}
    )

    peer_view = answer_text(await bot.wire.command(PEER, "list"))
    assert "P-1" in peer_view and "Ada Lovelace" in peer_view
    assert "Alan Turing" not in peer_view
    # Times are shown in the reader's zone: Pat is in Berlin.
    assert "Fri 27 Nov 2026, 16:00 CET" in peer_view

    coordinator_view = answer_text(await bot.wire.command(COORDINATOR, "list"))
    assert "Ada Lovelace" in coordinator_view and "Alan Turing" in coordinator_view

    outsider_view = answer_text(await bot.wire.command(OUTSIDER, "list"))
    assert "no upcoming or recent panels" in outsider_view


async def test_status_is_for_the_panel_only(bot):
    await scheduled(bot, COORDINATOR)
    status = await command_reply(bot, LEADER, "status P-1")
    body = json.dumps(status)
    assert "Ada Lovelace" in body and "Readiness" in body and "not confirmed yet" in body
    assert status["response_type"] == "ephemeral"

    hidden = await command_reply(bot, OUTSIDER, "status P-1")
    missing = await command_reply(bot, OUTSIDER, "status P-99")
    assert hidden["text"] == "I can't find panel P-1. `/panel list` shows the panels you're on."
    assert "Ada" not in json.dumps(hidden)
    # Someone outside the panel cannot tell it exists.
    assert hidden["text"].replace("P-1", "P-99") == missing["text"]


@pytest.mark.parametrize("verb", ["reschedule", "cancel"])
async def test_panelists_cannot_change_a_panel(bot, verb):
    await scheduled(bot, COORDINATOR)
    await bot.wire.command(PEER, f"{verb} P-1")
    refusal = await responded(bot)
    assert "Only the panel's coordinator, hiring manager or recruiter" in refusal["text"]
    await bot.wire.command(OUTSIDER, f"{verb} P-1")
    assert "can't find panel P-1" in (await responded(bot, 2))["text"]
    assert bot.fake.calls_to("views.open", view={"callback_id": f"panel_{verb}"}) == []


async def test_reschedule_moves_the_panel_and_tells_each_panelist_in_their_zone(bot):
    await scheduled(bot, COORDINATOR)
    await bot.wire.command(RECRUITER, "reschedule P-1")
    view = (await bot.fake.wait_for("views.open", 2))[-1]["view"]
    assert view["callback_id"] == "panel_reschedule"

    past = await bot.wire.submit(
        RECRUITER, view, {**bot.local_fields(bot.later(hours=-1), "UTC"), "duration": "60"}
    )
    assert "in the future" in past.json()["errors"]["start_date"]

    new_start = datetime(2026, 12, 1, 14, 0, tzinfo=UTC)
    fields = {**bot.local_fields(new_start, "Europe/London"), "duration": "90"}
    response = await bot.wire.submit(RECRUITER, view, fields)
    assert response.status_code == 200 and response.content in (b"", b"null")

    notices = await bot.fake.wait_for(
        "chat.postMessage", 5, where=lambda m: m["text"].startswith(("You moved", "<@URITA001>"))
    )
    by_channel = {m["channel"]: m for m in notices}
    assert set(by_channel) == {bot.dm(u) for u in (PEER, CROSS, LEADER, HIRING_MANAGER, RECRUITER)}
    assert "Tue 1 Dec 2026, 15:00 CET" in by_channel[bot.dm(PEER)]["text"]
    assert "Tue 1 Dec 2026, 06:00 PST" in by_channel[bot.dm(CROSS)]["text"]
    assert "from Fri 27 Nov 2026, 10:00 EST" in by_channel[bot.dm(LEADER)]["text"]
    # The recruiter, who tells the candidate, gets the note to send with the new time.
    recruiter = by_channel[bot.dm(RECRUITER)]
    assert recruiter["text"].startswith("You moved P-1")
    assert "Message for the candidate" in json.dumps(recruiter["blocks"])
    assert "Tuesday 1 December 2026, 14:00" in json.dumps(recruiter["blocks"])
    assert "Message for the candidate" not in json.dumps(by_channel[bot.dm(PEER)]["blocks"])

    async with bot.db.session() as session:
        panel = await session.get(Panel, 1)
        audit = (
            await session.scalars(select(AuditEvent).where(AuditEvent.action == "rescheduled"))
        ).one()
    assert panel.starts_at == new_start and panel.duration_minutes == 90
    assert panel.timezone == "Europe/London"
    assert audit.actor_id == RECRUITER and audit.detail["to"] == new_start.isoformat()


async def test_cancel_asks_first_then_tells_the_panel(bot):
    await scheduled(bot, COORDINATOR)
    await bot.wire.command(HIRING_MANAGER, "cancel P-1")
    view = (await bot.fake.wait_for("views.open", 2))[-1]["view"]
    assert view["callback_id"] == "panel_cancel_confirm"
    assert view["submit"]["text"] == "Cancel panel" and view["close"]["text"] == "Keep it"
    async with bot.db.session() as session:
        assert (await session.get(Panel, 1)).status == "scheduled"  # asking changes nothing

    await bot.wire.submit(HIRING_MANAGER, view, {"reason": "The candidate withdrew"})
    notices = await bot.fake.wait_for(
        "chat.postMessage", 5, where=lambda m: "cancelled P-1" in m["text"]
    )
    assert {m["channel"] for m in notices} == {
        bot.dm(u) for u in (PEER, CROSS, LEADER, HIRING_MANAGER, RECRUITER)
    }
    assert all("The candidate withdrew" in json.dumps(m["blocks"]) for m in notices)
    # Only the recruiter's copy carries a note for the candidate, without the internal reason.
    to_candidate = [m for m in notices if "Message for the candidate" in json.dumps(m["blocks"])]
    assert [m["channel"] for m in to_candidate] == [bot.dm(RECRUITER)]
    note = next(b for b in to_candidate[0]["blocks"] if b["type"] == "rich_text")
    assert "cancel your round 2 interview" in json.dumps(note)
    assert "withdrew" not in json.dumps(note)
    async with bot.db.session() as session:
        assert (await session.get(Panel, 1)).status == "cancelled"

    await bot.wire.command(COORDINATOR, "cancel P-1")
    assert (await responded(bot))["text"] == "P-1 is already cancelled."
    await bot.wire.command(COORDINATOR, "reschedule P-1")
    assert (await responded(bot, 2))["text"] == "P-1 is already cancelled."


async def test_a_stale_cancel_form_cannot_cancel_twice(bot):
    await scheduled(bot, COORDINATOR)
    await bot.wire.command(COORDINATOR, "cancel P-1")
    view = (await bot.fake.wait_for("views.open", 2))[-1]["view"]
    await bot.wire.submit(COORDINATOR, view, {"reason": ""})
    again = await bot.wire.submit(COORDINATOR, view, {"reason": ""})
    assert again.json() == {
        "response_action": "errors",
        "errors": {"reason": "P-1 is already cancelled."},
    }


async def test_stalled_answers_without_error(bot):
    answer = await command_reply(bot, RECRUITER, "stalled")
    assert "No candidate is waiting past an SLA" in answer["text"]


async def test_list_is_bounded_for_busy_people(bot):
    for i in range(17):
        await scheduled(
            bot,
            COORDINATOR,
            candidate=f"Candidate {i}",
            start=bot.clock.now() + timedelta(days=2, hours=i),
        )
    body = answer_text(await bot.wire.command(COORDINATOR, "list"))
    assert "Candidate 14" in body and "Candidate 15" not in body
    assert "…and 2 more" in body


async def test_a_stale_reschedule_form_after_cancel_is_refused_in_the_modal(bot):
    await scheduled(bot, COORDINATOR)
    await bot.wire.command(COORDINATOR, "reschedule P-1")
    reschedule_view = (await bot.fake.wait_for("views.open", 2))[-1]["view"]
    await bot.wire.command(COORDINATOR, "cancel P-1")
    cancel_view = (await bot.fake.wait_for("views.open", 3))[-1]["view"]
    await bot.wire.submit(COORDINATOR, cancel_view, {"reason": ""})

    fields = {**bot.local_fields(bot.later(days=5), "UTC"), "duration": "60"}
    response = await bot.wire.submit(COORDINATOR, reschedule_view, fields)
    assert response.json() == {
        "response_action": "errors",
        "errors": {"start_date": "P-1 is already cancelled."},
    }
    async with bot.db.session() as session:
        assert (await session.get(Panel, 1)).status == "cancelled"


async def test_a_report_not_ready_in_time_follows_an_empty_ack(bot):
    """Reports ride on the ack when ready within a second; when Slack is slow to say who is
    asking, the ack goes out empty (Slack waits only 3 s) and the report follows."""
    gate = bot.fake.hold("users.info")
    response = await bot.wire.command(OUTSIDER, "stalled")
    assert response.status_code == 200
    assert not response.content.strip()  # an empty ack, in time
    assert bot.fake.calls_to("response_url") == []
    gate.set()
    answer = await responded(bot)
    assert "No candidate is waiting past an SLA" in answer["text"]
    assert answer["response_type"] == "ephemeral"


async def test_reports_ready_in_time_are_the_ack_itself(bot):
    await scheduled(bot, COORDINATOR)
    for text in ("list", "status P-1", "history P-1", "stalled"):
        response = await bot.wire.command(COORDINATOR, text)
        body = response.json()
        assert body["response_type"] == "ephemeral" and body["text"], text
    assert bot.fake.calls_to("response_url") == []
