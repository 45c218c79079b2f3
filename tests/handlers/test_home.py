"""App Home through Slack's wire: a signed ``app_home_opened`` (or a click on the home's own
buttons), then what the fake Slack recorded for ``views.publish``.

Prep, feedback, decisions and candidate updates are set up in the database: their own flows
are tested through the wire elsewhere, and App Home only reads their result.
"""

from __future__ import annotations

import json
from datetime import timedelta

from bot.devtools.home_seed import Seat, add_panel, seed_active_panels
from bot.devtools.people import (
    COORDINATOR,
    CROSS,
    HIRING_MANAGER,
    LEADER,
    OUTSIDER,
    PEER,
    PEER2,
    RECRUITER,
)
from bot.slack import ids
from tests.conftest import NOW
from tests.factories import scheduled
from tests.support.messages import open_home


async def click_home(bot, user_id: str, action_id: str, value: str) -> dict:
    before = len(bot.fake.calls_to("views.publish"))
    response = await bot.wire.click(
        user_id, action_id, value, container={"type": "view", "view_id": "V1"}
    )
    assert response.status_code == 200
    published = (await bot.fake.wait_for("views.publish", before + 1))[-1]
    assert published["user_id"] == user_id
    return published["view"]


def json_text(blocks: object) -> str:
    """Blocks (or any part of a view) as JSON, characters as typed."""
    return json.dumps(blocks, ensure_ascii=False)


def section_blocks(view: dict, title: str) -> list[dict]:
    """The blocks from the header starting with ``title`` to the next divider."""
    blocks = view["blocks"]
    start = next(
        i
        for i, b in enumerate(blocks)
        if b["type"] == "header" and b["text"]["text"].startswith(title)
    )
    out = []
    for block in blocks[start + 1 :]:
        if block["type"] == "divider":
            break
        out.append(block)
    return out


def buttons(blocks: list[dict]) -> list[tuple[str, str]]:
    found = []
    for block in blocks:
        elements = block.get("elements", []) if block["type"] == "actions" else []
        if block.get("accessory"):
            elements = [block["accessory"]]
        found += [(e["action_id"], e.get("value", "")) for e in elements if e["type"] == "button"]
    return found


def has_header(view: dict, title: str) -> bool:
    return any(
        b["type"] == "header" and b["text"]["text"].startswith(title) for b in view["blocks"]
    )


ENDED = NOW - timedelta(days=2, hours=2)  # Mon 23 Nov 13:00Z; ended 14:00Z, feedback due Tue


# ---------------------------------------------------------------------- panelists
async def test_panelist_sees_the_packet_to_review_with_its_buttons_in_their_zone(bot):
    start = NOW + timedelta(days=2)  # Fri 27 Nov 15:00Z = 16:00 CET for PEER (Berlin)
    panel = await add_panel(bot.db, starts_at=start, seats=[PEER, CROSS], now=NOW)
    view = await open_home(bot, PEER)
    action = section_blocks(view, "Needs your action")
    body = json_text(action)
    assert "Review your prep packet" in body and f"P-{panel}" in body
    assert "Fri 27 Nov 2026, 16:00 CET" in body
    assert buttons(action) == [
        (ids.PREP_CONFIRM, str(panel)),
        (ids.PREP_PLAN_QUESTIONS, str(panel)),
        (ids.PREP_DECLINE, str(panel)),
    ]
    upcoming = json_text(section_blocks(view, "Your upcoming panels"))
    assert f"P-{panel}" in upcoming and "you have not confirmed yet" in upcoming
    assert not has_header(view, "Stalled")  # panelists run nothing


async def test_confirmed_or_declined_panelists_have_nothing_to_review(bot):
    start = NOW + timedelta(days=2)
    await add_panel(
        bot.db,
        starts_at=start,
        seats=[Seat(PEER, confirmed_at=NOW), Seat(CROSS, declined_at=NOW)],
        now=NOW,
    )
    for user, state in ((PEER, "you're prepared"), (CROSS, "you declined")):
        view = await open_home(bot, user)
        assert "Nothing needs you right now" in json_text(section_blocks(view, "Needs your action"))
        assert state in json_text(section_blocks(view, "Your upcoming panels"))


async def test_panelist_owing_feedback_is_asked_for_it_with_days_overdue(bot):
    panel = await add_panel(
        bot.db,
        starts_at=ENDED,
        seats=[
            PEER,
            Seat(CROSS, feedback_at=ENDED + timedelta(hours=3)),
            Seat(LEADER, excused_at=NOW),
        ],
        now=NOW,
    )
    view = await open_home(bot, PEER)
    action = section_blocks(view, "Needs your action")
    assert "Submit your feedback" in json_text(action) and "1 day overdue" in json_text(action)
    assert buttons(action) == [(ids.FEEDBACK_OPEN, str(panel))]
    # Submitted or excused: nothing owed.
    for user in (CROSS, LEADER):
        done = await open_home(bot, user)
        assert "Nothing needs you" in json_text(section_blocks(done, "Needs your action"))
    # An ended panel is no longer "upcoming".
    assert "No upcoming panels" in json_text(section_blocks(view, "Your upcoming panels"))


# ---------------------------------------------------------------------- owners
async def test_hiring_manager_is_asked_to_decide_once_all_feedback_is_in(bot):
    waiting = await add_panel(
        bot.db,
        starts_at=ENDED,
        seats=[Seat(PEER, feedback_at=ENDED + timedelta(hours=2))],
        now=NOW,
        candidate="Grace Hopper",
    )
    held = await add_panel(
        bot.db,
        starts_at=ENDED,
        seats=[Seat(CROSS, feedback_at=ENDED + timedelta(hours=2))],
        now=NOW,
        candidate="Barbara Liskov",
        decisions=[("hold", NOW - timedelta(hours=1), "waiting for <references>")],
    )
    await add_panel(bot.db, starts_at=ENDED, seats=[PEER2], now=NOW, candidate="Alan Turing")
    view = await open_home(bot, HIRING_MANAGER)
    action = section_blocks(view, "Needs your action")
    body = json_text(action)
    assert body.count("Make a decision") == 2
    assert "Grace Hopper" in body and "Barbara Liskov" in body and "Alan Turing" not in body
    assert "on hold: waiting for &lt;references&gt;" in body  # user text escaped
    assert set(buttons(action)) == {
        (ids.DECISION_OPEN, str(waiting)),
        (ids.DECISION_OPEN, str(held)),
    }


async def test_recruiter_is_asked_to_update_the_candidate_after_a_decision_or_the_clock(bot):
    decided = await add_panel(
        bot.db,
        starts_at=ENDED,
        seats=[Seat(PEER, feedback_at=ENDED + timedelta(hours=2))],
        now=NOW,
        candidate="Grace Hopper",
        decisions=[("offer", NOW - timedelta(hours=3), "")],
    )
    # Ended a week ago, feedback still missing: the candidate-update clock (P3D) ran out.
    stuck = await add_panel(
        bot.db, starts_at=NOW - timedelta(days=7), seats=[PEER2], now=NOW, candidate="Ken Thompson"
    )
    view = await open_home(bot, RECRUITER)
    action = section_blocks(view, "Needs your action")
    body = json_text(action)
    assert body.count("Update the candidate") == 2
    assert "Decided: offer" in body
    assert "has not heard from us since" in body and "still waiting for feedback" in body
    assert set(buttons(action)) == {
        (ids.CANDIDATE_UPDATED_OPEN, str(decided)),
        (ids.CANDIDATE_UPDATED_OPEN, str(stuck)),
    }
    # The hiring manager is not asked to update candidates.
    hm = json_text(section_blocks(await open_home(bot, HIRING_MANAGER), "Needs your action"))
    assert "Update the candidate" not in hm


async def test_closed_and_cancelled_panels_are_gone(bot):
    await add_panel(
        bot.db,
        starts_at=ENDED,
        seats=[Seat(PEER, feedback_at=ENDED + timedelta(hours=2))],
        now=NOW,
        candidate="Closed Candidate",
        decisions=[("reject", NOW - timedelta(hours=5), "")],
        updates=[NOW - timedelta(hours=1)],
    )
    await add_panel(
        bot.db,
        starts_at=NOW + timedelta(days=1),
        seats=[PEER],
        now=NOW,
        candidate="Cancelled Candidate",
        cancelled=True,
    )
    for user in (PEER, HIRING_MANAGER, RECRUITER, COORDINATOR):
        body = json_text(await open_home(bot, user))
        assert "Closed Candidate" not in body and "Cancelled Candidate" not in body


async def test_owners_see_upcoming_readiness(bot):
    await add_panel(
        bot.db,
        starts_at=NOW + timedelta(days=1),
        seats=[Seat(PEER, confirmed_at=NOW), Seat(CROSS, declined_at=NOW), LEADER],
        now=NOW,
    )
    view = await open_home(bot, COORDINATOR)
    upcoming = json_text(section_blocks(view, "Your upcoming panels"))
    assert "You: coordinator" in upcoming
    assert "1 of 3 panelists confirmed, 1 declined" in upcoming
    assert "Wed 25 Nov" not in upcoming and "Thu 26 Nov 2026, 10:00 EST" in upcoming


async def test_stalled_names_the_blockers_and_days_overdue_for_owners_only(bot):
    panel = await add_panel(
        bot.db,
        starts_at=NOW
        - timedelta(days=7),  # Wed 18 Nov: feedback due Thu 19, update Mon 23 (business days)
        seats=[PEER, CROSS, Seat(LEADER, feedback_at=NOW - timedelta(days=6))],
        now=NOW,
        candidate="Radia Perlman",
    )
    for owner in (COORDINATOR, HIRING_MANAGER, RECRUITER):
        stalled = section_blocks(await open_home(bot, owner), "Stalled")
        body = json_text(stalled)
        assert f"P-{panel}" in body and "Radia Perlman" in body
        assert f"feedback from <@{PEER}> (*3 days overdue*)" in body
        assert f"feedback from <@{CROSS}> (*3 days overdue*)" in body
        assert f"<@{LEADER}>" not in body  # already submitted
        assert "an update is *1 day overdue*" in body
    # The panelists see their own feedback to give, never the stalled overview.
    peer = await open_home(bot, PEER)
    assert not has_header(peer, "Stalled")
    assert "Submit your feedback" in json_text(section_blocks(peer, "Needs your action"))


async def test_stalled_decision_gives_the_hiring_manager_the_button(bot):
    panel = await add_panel(
        bot.db,
        starts_at=NOW - timedelta(days=7),
        seats=[Seat(PEER, feedback_at=NOW - timedelta(days=6))],
        now=NOW,
    )
    stalled = section_blocks(await open_home(bot, HIRING_MANAGER), "Stalled")
    assert f"a decision from <@{HIRING_MANAGER}>" in json_text(stalled)
    assert buttons(stalled) == [(ids.DECISION_OPEN, str(panel))]
    coordinator = section_blocks(await open_home(bot, COORDINATOR), "Stalled")
    assert buttons(coordinator) == []  # not the coordinator's to decide
    # The update clock ran out too: the recruiter can record telling the candidate.
    recruiter = section_blocks(await open_home(bot, RECRUITER), "Stalled")
    assert buttons(recruiter) == [(ids.CANDIDATE_UPDATED_OPEN, str(panel))]


# ---------------------------------------------------------------------- privacy
async def test_an_outsider_sees_none_of_it_and_nobody_sees_feedback(bot):
    await add_panel(
        bot.db,
        starts_at=NOW - timedelta(days=7),
        seats=[PEER, Seat(CROSS, feedback_at=NOW - timedelta(days=6))],
        now=NOW,
        candidate="Secret Candidate",
        feedback_text="PRIVATE-FEEDBACK-TEXT",
    )
    await add_panel(bot.db, starts_at=NOW + timedelta(days=1), seats=[PEER], now=NOW)
    outsider = await open_home(bot, OUTSIDER)
    body = json_text(outsider)
    assert "Secret Candidate" not in body and "Ada Lovelace" not in body and "P-" not in body
    assert "Nothing needs you right now" in body and "No upcoming panels" in body
    assert not has_header(outsider, "Stalled")
    for user in (PEER, CROSS, COORDINATOR, HIRING_MANAGER, RECRUITER):
        assert "PRIVATE-FEEDBACK-TEXT" not in json_text(await open_home(bot, user))


# ---------------------------------------------------------------------- size and paging
async def test_150_panels_stay_within_100_blocks_and_page_through(bot):
    panel_ids = await seed_active_panels(bot.db, PEER, 150, now=NOW, others=[CROSS])
    view = await open_home(bot, PEER)
    assert len(view["blocks"]) <= 100
    action = section_blocks(view, "Needs your action")
    assert "Showing 1–10 of 150" in json_text(action)
    assert [v for a, v in buttons(action) if a == ids.PREP_CONFIRM] == [
        str(i) for i in panel_ids[:10]
    ]
    pager = [(a, v) for a, v in buttons(action) if a == ids.HOME_PAGE]
    assert len(pager) == 1 and "140 more" in json_text(action)

    second = await click_home(bot, PEER, ids.HOME_PAGE, pager[0][1])
    assert len(second["blocks"]) <= 100
    action = section_blocks(second, "Needs your action")
    assert "Showing 11–20 of 150" in json_text(action)
    assert [v for a, v in buttons(action) if a == ids.PREP_CONFIRM] == [
        str(i) for i in panel_ids[10:20]
    ]
    labels = [
        e["text"]["text"]
        for b in action
        if b["type"] == "actions"
        for e in b["elements"]
        if e["action_id"] == ids.HOME_PAGE
    ]
    assert labels == ["Previous", "Show more (130 more)"]
    # The other sections stay on their own first page.
    assert "Showing 1–10 of 150" in json_text(section_blocks(second, "Your upcoming panels"))
    # Every publish was accepted by the fake, which validates views like Slack does.
    assert all(call.ok for call in bot.fake.calls if call.method == "views.publish")
    assert bot.fake.violations == []


async def test_coordinator_of_150_stalled_and_upcoming_panels_fits(bot):
    await seed_active_panels(bot.db, COORDINATOR, 150, now=NOW, others=[PEER], as_panelist=False)
    for day in range(1, 31):
        await add_panel(
            bot.db, starts_at=NOW - timedelta(days=7 + day), seats=[PEER, CROSS], now=NOW
        )
    view = await open_home(bot, COORDINATOR)
    assert len(view["blocks"]) <= 100
    assert "Showing 1–10 of 30" in json_text(section_blocks(view, "Stalled"))
    assert "Showing 1–10 of 150" in json_text(section_blocks(view, "Your upcoming panels"))
    assert bot.fake.violations == []


async def test_a_page_past_the_end_shows_the_last_page_and_refresh_keeps_the_page(bot):
    await seed_active_panels(bot.db, PEER, 25, now=NOW)
    view = await click_home(bot, PEER, ids.HOME_PAGE, "action=99,upcoming=1,stalled=0")
    assert "Showing 21–25 of 25" in json_text(section_blocks(view, "Needs your action"))
    assert "Showing 11–20 of 25" in json_text(section_blocks(view, "Your upcoming panels"))
    refresh = [v for a, v in buttons(view["blocks"]) if a == ids.HOME_REFRESH]
    again = await click_home(bot, PEER, ids.HOME_REFRESH, refresh[0])
    assert again["blocks"][3:] == view["blocks"][3:]  # the same pages (the first 3: timestamp)
    garbage = await click_home(bot, PEER, ids.HOME_PAGE, "<script>")
    assert "Showing 1–10 of 25" in json_text(section_blocks(garbage, "Needs your action"))


async def test_opening_the_home_after_a_change_shows_it(bot):
    """Slack keeps no copy of a home: the next opening after a change publishes the new state.
    The change (a click on the home's own button, through the pipeline) moves the counter, so
    the cached agenda is stale, and the panel's revision, so only that panel is loaded again."""
    await seed_active_panels(bot.db, PEER, 5, now=NOW)
    panel = (await scheduled(bot, COORDINATOR)).id
    first = await open_home(bot, PEER)
    assert "Review your prep packet" in json_text(first)
    facts = bot.services.homes.facts
    assert facts is not None
    loads = facts.loads

    updated = len(bot.fake.calls_to("chat.update"))
    clicked = await bot.wire.click(
        PEER, ids.PREP_CONFIRM, str(panel), container={"type": "view", "view_id": "V1"}
    )
    assert clicked.status_code == 200
    await bot.fake.wait_for("chat.update", updated + 1)  # the packet says so: it is recorded
    again = await open_home(bot, PEER)
    confirmed = [b for b in section_blocks(again, "Your upcoming panels") if f"P-{panel}" in str(b)]
    assert "you're prepared" in json_text(confirmed), json_text(confirmed)
    assert str(panel) not in [v for a, v in buttons(again["blocks"]) if a == ids.PREP_CONFIRM]
    assert facts.loads - loads == 1  # the changed panel, not all six
