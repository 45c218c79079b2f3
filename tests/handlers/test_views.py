"""The scheduling modal through Slack's wire: field errors, storage, the coordinator's DM."""

from __future__ import annotations

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
    PEER2,
    RECRUITER,
    ROUND1,
)
from bot.models import AuditEvent, Panel, PanelDraft, PriorRound
from tests.factories import basics, scheduled
from tests.support.messages import text_of
from tests.support.store import count


async def submit_step1(bot, values, user=COORDINATOR):
    view = await bot.open_scheduler(user)
    return await bot.wire.submit(user, view, values)


async def test_scheduling_stores_the_panel_and_confirms_to_the_coordinator(bot):
    panel = await scheduled(bot, COORDINATOR, prior_interviewers=[ROUND1])

    assert panel.reference == "P-1"
    assert panel.status == "scheduled"
    assert panel.starts_at == datetime(2026, 11, 27, 15, 0, tzinfo=UTC)  # 10:00 New York
    assert panel.duration_minutes == 60 and panel.timezone == "America/New_York"
    assert (panel.coordinator_id, panel.hiring_manager_id, panel.recruiter_id) == (
        COORDINATOR,
        HIRING_MANAGER,
        RECRUITER,
    )
    assert [(p.user_id, p.focus_area, p.perspective) for p in panel.panelists] == [
        (PEER, "technical_depth", "peer"),
        (CROSS, "stakeholder_alignment", "cross_functional"),
        (LEADER, "culture_values", "leadership"),
    ]
    async with bot.db.session() as session:
        prior = (await session.scalars(select(PriorRound))).one()
        audit = (await session.scalars(select(AuditEvent))).one()
    assert prior.round_number == 1
    assert prior.questions == ["Tell me about yourself", "Why are you leaving your job?"]
    assert prior.interviewer_ids == [ROUND1]
    assert (audit.action, audit.actor_id, audit.panel_id) == ("scheduled", COORDINATOR, 1)
    assert await count(bot, PanelDraft) == 0

    dm = bot.fake.dms_to(COORDINATOR)[-1]
    assert "P-1" in dm["text"] and "Fri 27 Nov 2026, 10:00 EST" in dm["text"]
    # Balanced, but 10:00 in New York is 07:00 for Carlos in Los Angeles: the one warning.
    check = next(
        b["text"]["text"] for b in dm["blocks"] if "Composition check" in str(b.get("text"))
    )
    assert check.splitlines()[1:] == [
        "• Outside working hours (09:00-17:00, their own time) for Carlos Cross"
        " (Fri 07:00–08:00 PST): is there a time that suits everyone?"
    ]
    # The candidate message: time in the panel's zone, everyone's name and Slack title.
    message = dm["blocks"][-2]["elements"][0]["elements"][0]["text"]
    assert "When: Friday 27 November 2026, 10:00–11:00 (America/New_York, UTC-05:00)" in message
    assert "Where: https://meet.example.com/ada-r2" in message
    assert "• Pat Peer, Senior Data Engineer" in message
    assert "• Carlos Cross, Product Manager, Analytics" in message
    assert "• Lee Leader, VP Engineering" in message
    # Nothing about the candidate went anywhere but DMs to the panel's people (the
    # coordinator's confirmation and each panelist's prep packet).
    channels = {c["channel"] for c in bot.fake.calls_to("chat.postMessage")}
    assert channels == {bot.dm(u) for u in (COORDINATOR, PEER, CROSS, LEADER)}


async def test_composition_warnings_reach_the_coordinator(bot):
    await scheduled(
        bot,
        COORDINATOR,
        seats={
            PEER: ("technical_depth", "peer"),
            PEER2: ("technical_depth", "peer"),
            ROUND1: ("technical_depth", "peer"),
            CROSS: ("technical_depth", "cross_functional"),
        },
        prior_interviewers=[ROUND1],
        duration="45",
        resume_url="",
    )
    body = text_of(bot.fake.dms_to(COORDINATOR)[-1])
    assert "No leadership on the panel" in body
    assert "Pat Peer, Priya Peer, Ronda Round-One and Carlos Cross share the focus" in body
    assert "Nobody covers culture and values and stakeholder alignment." in body
    assert "Ronda Round-One already interviewed this candidate" in body
    assert "45 minutes is short for 4 panelists: allow at least 55" in body
    assert "No résumé link yet" in body


async def test_second_step_asks_each_panelists_focus(bot):
    response = await submit_step1(bot, basics(bot, panelists=[PEER, CROSS]))
    payload = response.json()
    assert payload["response_action"] == "push"
    view = payload["view"]
    block_ids = [b.get("block_id") for b in view["blocks"] if b["type"] == "input"]
    assert block_ids == [
        f"focus:{PEER}",
        f"detail:{PEER}",
        f"perspective:{PEER}",
        f"focus:{CROSS}",
        f"detail:{CROSS}",
        f"perspective:{CROSS}",
    ]
    assert await count(bot, Panel) == 0  # nothing stored until the second step


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"start_date": "2026-11-24", "start_time": "10:00"}, "start_date", "in the future"),
        ({"duration": "10"}, "duration", "between 15 and 480"),
        ({"duration": "481"}, "duration", "between 15 and 480"),
        ({"duration": "an hour"}, "duration", "whole minutes"),
        ({"panelists": []}, "panelists", "at least one"),
        (
            {"panelists": [PEER, CROSS, LEADER, PEER2, ROUND1, OUTSIDER, RECRUITER, "U9", "U10"]},
            "panelists",
            "at most 8",
        ),
        ({"panelists": [PEER, PEER]}, "panelists", "twice"),
        ({"resume_url": "files/ada.pdf"}, "resume_url", "URL"),
        ({"location": "https//meet"}, "location", "not a valid URL"),
        ({"candidate": ""}, "candidate", "candidate's name"),
        ({"role_title": "  "}, "role_title", "role's title"),
        ({"responsibilities": ""}, "responsibilities", "responsible for"),
        ({"location": ""}, "location", "room or a video link"),
        ({"hiring_manager": None}, "hiring_manager", "hiring manager"),
        ({"recruiter": None}, "recruiter", "recruiter"),
        ({"format": None}, "format", "format"),
        ({"round": "0"}, "round", "1 to 10"),
        ({"timezone": "Mars/Olympus"}, "timezone", "not a time zone"),
        ({"start_date": "2027-03-14", "start_time": "02:30"}, "start_time", "does not exist"),
    ],
)
async def test_bad_input_comes_back_as_field_errors_and_stores_nothing(
    bot, changes, field, message
):
    response = await submit_step1(bot, basics(bot, **changes))
    assert response.status_code == 200
    payload = response.json()
    assert payload["response_action"] == "errors"
    assert message in payload["errors"][field]
    assert await count(bot, PanelDraft) == 0
    assert await count(bot, Panel) == 0


async def test_second_step_requires_focus_and_perspective(bot):
    response = await submit_step1(bot, basics(bot, panelists=[PEER, CROSS]))
    focus_view = response.json()["view"]
    values = {f"focus:{PEER}": "other", f"perspective:{PEER}": "peer", f"focus:{CROSS}": None}
    result = (await bot.wire.submit(COORDINATOR, focus_view, values)).json()
    assert result["response_action"] == "errors"
    assert set(result["errors"]) == {f"detail:{PEER}", f"focus:{CROSS}", f"perspective:{CROSS}"}
    assert await count(bot, Panel) == 0


async def test_a_draft_cannot_be_submitted_by_someone_else(bot):
    response = await submit_step1(bot, basics(bot, panelists=[PEER]))
    focus_view = response.json()["view"]
    values = {f"focus:{PEER}": "technical_depth", f"perspective:{PEER}": "peer"}
    result = (await bot.wire.submit(OUTSIDER, focus_view, values)).json()
    assert result["response_action"] == "errors"
    assert "expired" in next(iter(result["errors"].values()))
    assert await count(bot, Panel) == 0


async def test_start_that_passed_during_the_second_step_is_refused(bot):
    start = bot.clock.now() + timedelta(minutes=30)
    response = await submit_step1(bot, basics(bot, start=start, panelists=[PEER]))
    focus_view = response.json()["view"]
    bot.clock.advance(timedelta(hours=1))
    values = {f"focus:{PEER}": "technical_depth", f"perspective:{PEER}": "peer"}
    result = (await bot.wire.submit(COORDINATOR, focus_view, values)).json()
    assert "passed" in result["errors"][f"focus:{PEER}"]
    assert await count(bot, Panel) == 0


async def test_user_text_is_escaped_so_nobody_is_pinged(bot):
    await scheduled(bot, COORDINATOR, candidate="<!channel> & <@UPAT0001>", role_title="R&D <b>")
    dm = bot.fake.dms_to(COORDINATOR)[-1]
    mrkdwn = [dm["text"]] + [
        b["text"]["text"] for b in dm["blocks"] if b["type"] == "section" and "text" in b
    ]
    assert not any("<!channel>" in t for t in mrkdwn)
    assert "&lt;!channel&gt; &amp; &lt;@UPAT0001&gt;" in dm["text"]
    assert any("R&amp;D &lt;b&gt;" in t for t in mrkdwn)
    # The candidate message is literal rich text (never parsed for mentions) meant for an
    # email, so it keeps the name exactly as typed.
    message = dm["blocks"][-2]["elements"][0]["elements"][0]["text"]
    assert "Hi <!channel>," in message


async def test_long_text_is_cut_with_an_ellipsis_not_a_failed_send(bot):
    long_detail = "systems thinking " * 12  # 204 characters: over the field's 200
    response = await submit_step1(bot, basics(bot, panelists=[PEER]))
    focus_view = response.json()["view"]
    values = {
        f"focus:{PEER}": "other",
        f"detail:{PEER}": long_detail,
        f"perspective:{PEER}": "peer",
    }
    result = (await bot.wire.submit(COORDINATOR, focus_view, values)).json()
    assert "200 characters" in result["errors"][f"detail:{PEER}"]

    # 200 ampersands escape to 1,000 characters: cut to fit, never mid-entity.
    await scheduled(bot, COORDINATOR, candidate="&" * 200)
    dm = bot.fake.dms_to(COORDINATOR)[-1]
    title = dm["blocks"][1]["text"]["text"]
    shown = title.split("*")[3]
    assert shown.endswith("&amp;…") and len(shown) == 196
