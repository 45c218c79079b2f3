"""The prep packet and its calendar invite, through Slack's wire."""

from __future__ import annotations

from icalendar import Calendar
from sqlalchemy import select

from bot.devtools.people import COORDINATOR, CROSS, LEADER, PEER
from bot.models import Panelist
from bot.slack import ids
from tests.factories import scheduled
from tests.support.messages import action_ids, text_of


def invites(bot) -> list[Calendar]:
    return [Calendar.from_ical(c["bytes"]) for c in bot.fake.calls_to("upload")]


async def panelists(bot) -> dict[str, Panelist]:
    async with bot.db.session() as session:
        return {p.user_id: p for p in await session.scalars(select(Panelist))}


async def test_each_panelist_gets_a_packet_in_their_own_zone(bot):
    panel = await scheduled(bot, COORDINATOR)
    # Queued with the panel and delivered by the dispatcher right after the confirmation.
    assert (await bot.nudges(kind="prep_packet", status="sent")) != []

    packet = bot.fake.dms_to(PEER)[-1]
    body = text_of(packet)
    assert "Prep packet: P-1" in body
    assert "Ada Lovelace" in body and "Senior Data Engineer" in body
    assert "Fri 27 Nov 2026, 16:00 CET (60 min)" in body  # Berlin time
    assert "https://meet.example.com/ada-r2" in body
    assert "Own the ingestion pipelines" in body
    assert "https://files.example.com/ada.pdf" in body
    # The roster: everyone, with title, focus and perspective.
    assert f"<@{CROSS}> — Product Manager, Analytics: Stakeholder alignment" in body
    assert f"<@{LEADER}> — VP Engineering: Culture and values (leadership)" in body
    assert "Your focus: Technical depth" in body
    assert "A system they designed end to end" in body
    # Round 1: notes and what not to ask again.
    assert "Strong on SQL; light on streaming." in body
    assert "Covered already — don't repeat" in body
    assert "Tell me about yourself" in body and "Why are you leaving your job?" in body
    assert "What to evaluate" not in body  # a conversation has no work product
    assert action_ids(packet) == [ids.PREP_CONFIRM, ids.PREP_PLAN_QUESTIONS, ids.PREP_DECLINE]
    assert {b["elements"][1]["value"] for b in packet["blocks"] if b["type"] == "actions"} == {
        str(panel.id)
    }
    la = text_of(bot.fake.dms_to(CROSS)[-1])
    assert "Fri 27 Nov 2026, 07:00 PST" in la

    # Where each packet went is recorded on the panelist, for updates in place.
    seats = await panelists(bot)
    for user_id in (PEER, CROSS, LEADER):
        sent = bot.fake.dms_to(user_id)[-1]
        assert seats[user_id].packet_channel == bot.dm(user_id)
        assert (seats[user_id].packet_channel, seats[user_id].packet_ts) in bot.fake.messages
        assert (
            sent["blocks"]
            == bot.fake.messages[(bot.dm(user_id), seats[user_id].packet_ts)]["blocks"]
        )
    # Exactly once: another run sends nothing more.
    before = len(bot.fake.calls_to("chat.postMessage"))
    await bot.run_nudges()
    assert len(bot.fake.calls_to("chat.postMessage")) == before


async def test_the_invite_names_everyone_and_keeps_the_candidate_out_of_the_summary(bot):
    await scheduled(bot, COORDINATOR)
    await bot.run_nudges()

    shared = bot.fake.calls_to("files.completeUploadExternal")
    assert sorted(c["channel_id"] for c in shared) == sorted(
        bot.dm(u) for u in (PEER, CROSS, LEADER)
    )
    calendars = invites(bot)
    assert len(calendars) == 3
    for cal in calendars:
        assert cal["METHOD"] == "REQUEST"
        (event,) = cal.walk("VEVENT")
        assert event["UID"] == "panel-1@hirebot.invalid"
        assert int(event["SEQUENCE"]) == 0
        assert event.decoded("DTSTART").isoformat() == "2026-11-27T15:00:00+00:00"
        assert event.decoded("DTEND").isoformat() == "2026-11-27T16:00:00+00:00"
        assert "Ada" not in str(event["SUMMARY"])
        assert "Senior Data Engineer" in str(event["SUMMARY"])
        assert "Candidate: Ada Lovelace" in str(event["DESCRIPTION"])
        attendees = event["ATTENDEE"]
        names = sorted(str(a.params["CN"]) for a in attendees)
        assert names == ["Carlos Cross", "Lee Leader", "Pat Peer"]
        assert str(event["ORGANIZER"].params["CN"]) == "Cora Coordinator"


async def test_a_presentation_packet_says_what_to_evaluate(bot):
    await scheduled(bot, COORDINATOR, format="case_study")
    await bot.run_nudges()
    body = text_of(bot.fake.dms_to(PEER)[-1])
    assert "What to evaluate in the case study" in body
    assert "How they frame the problem" in body


async def test_very_long_notes_are_cut_visibly_and_the_packet_still_sends(bot):
    # As long as the server accepts (each field within its bound: bot.panels.bounds).
    notes = ("The candidate talked at length about <!channel> pipelines & more. " * 300)[:3000]
    questions = "\n".join(
        f"Question {i} about something specific in their past work?" for i in range(50)
    )
    assert len(questions) <= 3000
    await scheduled(
        bot,
        COORDINATOR,
        prior_notes=notes.strip(),
        prior_questions=questions,
        responsibilities=("Lead things. " * 400)[:3000].strip(),
    )
    report = await bot.run_nudges()
    assert report.failed == 0
    packet = bot.fake.dms_to(PEER)[-1]
    body = text_of(packet)
    assert "cut to fit" in body
    assert "more_" in body  # "…and N more" covered questions
    assert "<!channel>" not in body and "&lt;!channel&gt;" in body
    for block in packet["blocks"]:
        if block["type"] == "section" and "text" in block:
            assert len(block["text"]["text"]) <= 3000
