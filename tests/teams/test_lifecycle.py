"""The whole panel lifecycle in Teams, through the wire: dialogs with field errors, packets,
decline and replacement, planned questions with overlap flags, reminders and escalation,
feedback (blind until one's own is in), decision, candidate update, stall nudges, commands."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlalchemy import select

from bot.devtools.teams_wire import (
    COORDINATOR,
    CROSS,
    HIRING_MANAGER,
    LEADER,
    OUTSIDER,
    PEER,
    RECRUITER,
)
from bot.models import CandidateUpdate, Decision, Feedback, Panel, Panelist
from bot.teams.cards import card_problems

START = datetime(2026, 11, 27, 15, 0, tzinfo=UTC)  # Fri 10:00 in New York
END = START + timedelta(hours=1)
UNKNOWN = "d0000000-0000-4000-8000-00000000dead"

FEEDBACK = {
    "recommendation": "yes",
    "rating": "3",
    "evidence": "Designed a CDC pipeline end to end; clear on trade-offs.",
    "concerns": "Little streaming experience.",
    "questions_asked": "How would you backfill a year of events?",
}


def cards(teams, aad: str, containing: str) -> list[str]:
    found = [str(c) for c in teams.fake.cards_to(aad) if containing in str(c)]
    for content in teams.fake.cards_to(aad):
        assert card_problems(content) == []
    return found


def form_of(answer) -> dict:
    body = answer.json()
    assert body["task"]["type"] == "continue", body
    content = body["task"]["value"]["card"]["content"]
    assert card_problems(content) == [], card_problems(content)
    return content


def inputs(content: dict) -> dict[str, dict]:
    found = {}

    def walk(elements):
        for element in elements:
            if element.get("type", "").startswith("Input."):
                found[element["id"]] = element
            walk(element.get("items") or [])

    walk(content["body"])
    return found


def errors(content: dict) -> dict[str, str]:
    return {
        e["id"].removesuffix("-error"): e["text"]
        for e in content["body"]
        if str(e.get("id", "")).endswith("-error")
    }


def submit_data(content: dict, **values) -> dict:
    """What Teams posts on submit: the action's data plus every input's value."""
    data = dict(content["actions"][0]["data"])
    for name, field in inputs(content).items():
        data[name] = field.get("value", "")
    data.update(values)
    return data


async def settle(teams) -> None:
    await teams.bot.services.pipeline.drain()
    await teams.bot.settled()


async def test_the_whole_lifecycle_in_teams(teams):
    wire, fake, bot = teams.wire, teams.fake, teams.bot
    for person in (COORDINATOR, HIRING_MANAGER, RECRUITER, PEER, CROSS, LEADER, OUTSIDER):
        assert (await wire.install(person)).status_code == 200

    # ---------------------------------------------------------------- schedule, with errors
    await wire.say(COORDINATOR, "panel new Ada Lovelace")
    button = cards(teams, COORDINATOR, "Schedule a panel")[-1]
    assert "task/fetch" in button
    step1 = form_of(
        await wire.fetch(COORDINATOR, {"dialog": "schedule", "candidate": "Ada Lovelace"})
    )
    fields = inputs(step1)
    assert fields["candidate"]["value"] == "Ada Lovelace"
    assert fields["timezone"]["value"] == "America/New_York"  # Graph: "Eastern Standard Time"
    assert fields["panelists"]["choices.data"]["dataset"] == "graph.microsoft.com/users"

    typed = {
        "role_title": "",
        "responsibilities": "Own the ingestion pipelines.",
        "start_date": "2026-11-20",  # in the past
        "start_time": "10:00",
        "location": "https://meet.example.com/ada",
        "panelists": f"{PEER},{CROSS},{UNKNOWN}",
        "hiring_manager": HIRING_MANAGER,
        "recruiter": RECRUITER,
        "prior_questions": "Tell me about yourself\nWhy are you leaving your job?",
    }
    again = form_of(await wire.submit(COORDINATOR, submit_data(step1, **typed)))
    problems = errors(again)
    assert set(problems) >= {"role_title", "start_date"}, problems
    kept = inputs(again)
    assert kept["responsibilities"]["value"] == "Own the ingestion pipelines."  # nothing lost
    assert kept["panelists"]["value"] == f"{PEER},{CROSS},{UNKNOWN}"

    typed |= {"role_title": "Senior Data Engineer", "start_date": "2026-11-27"}
    again = form_of(await wire.submit(COORDINATOR, submit_data(again, **typed)))
    assert "doesn't exist" in errors(again)["panelists"]  # the unknown id, checked in Graph

    typed["panelists"] = f"{PEER},{CROSS},{LEADER}"
    step2 = form_of(await wire.submit(COORDINATOR, submit_data(again, **typed)))
    focus = {
        f"focus:{PEER}": "technical_depth",
        f"perspective:{PEER}": "peer",
        f"focus:{CROSS}": "stakeholder_alignment",
        f"perspective:{CROSS}": "cross_functional",
        f"focus:{LEADER}": "culture_values",
        f"perspective:{LEADER}": "",
    }
    missing = form_of(await wire.submit(COORDINATOR, submit_data(step2, **focus)))
    assert f"perspective:{LEADER}" in errors(missing)
    assert inputs(missing)[f"focus:{PEER}"]["value"] == "technical_depth"
    focus[f"perspective:{LEADER}"] = "leadership"
    closed = (await wire.submit(COORDINATOR, submit_data(missing, **focus))).json()
    assert closed["task"]["type"] == "message" and "P-1" in closed["task"]["value"]
    await settle(teams)
    async with bot.db.session() as session:
        panel = await session.scalar(select(Panel))
        assert panel.starts_at == START and panel.coordinator_id == COORDINATOR
    assert cards(teams, COORDINATOR, "Panel scheduled: P-1")
    for panelist in (PEER, CROSS, LEADER):
        assert cards(teams, panelist, "Prep packet: P-1"), panelist

    # ---------------------------------------------------------------- decline, replacement
    declined = form_of(await wire.fetch(CROSS, {"dialog": "decline", "panel": 1}))
    empty = form_of(await wire.submit(CROSS, submit_data(declined, reason="  ")))
    assert "reason" in errors(empty)
    await wire.submit(CROSS, submit_data(empty, reason="On leave that week"))
    await settle(teams)
    alert = cards(teams, COORDINATOR, "Can't attend: P-1")[-1]
    assert "On leave that week" in alert and "Carlos Cross" in alert
    # Only an owner may replace; the coordinator picks Oliver.
    refused = await wire.fetch(PEER, {"dialog": "replace", "panel": 1, "panelist": CROSS})
    assert refused.json()["task"]["type"] == "message"
    replace = form_of(
        await wire.fetch(COORDINATOR, {"dialog": "replace", "panel": 1, "panelist": CROSS})
    )
    done = await wire.submit(COORDINATOR, submit_data(replace, replacement=OUTSIDER))
    assert "Replaced" in done.json()["task"]["value"]
    await settle(teams)
    assert cards(teams, OUTSIDER, "Prep packet: P-1")
    assert any("no longer on this panel" in str(c.body) for c in fake.calls_to("activities.update"))

    # ---------------------------------------------------------------- plan questions
    plan = form_of(await wire.fetch(PEER, {"dialog": "plan", "panel": 1}))
    flagged = form_of(
        await wire.submit(
            PEER, submit_data(plan, questions="Tell me about yourself\nHow do you test pipelines?")
        )
    )
    assert "repeats round 1" in str(flagged)
    assert inputs(flagged)["questions"]["value"].startswith("Tell me about yourself")

    # ---------------------------------------------------------------- confirm, remind, escalate
    answer = await wire.execute(PEER, "prep.confirm", {"panel": 1})
    assert "reviewed the materials" in str(answer.json()["value"])
    await settle(teams)  # the packet's update in place, after the click
    await bot.run_nudges(START - timedelta(hours=24))
    assert cards(teams, LEADER, "Reminder: prepare for P-1")
    assert not cards(teams, PEER, "Reminder: prepare for P-1")  # confirmed
    await bot.run_nudges(START - timedelta(hours=2))
    escalation = cards(teams, COORDINATOR, "Still unprepared: P-1")[-1]
    assert "Lee Leader" in escalation and "Pat Peer" not in escalation

    # ---------------------------------------------------------------- feedback, blind first
    await bot.run_nudges(END)
    assert cards(teams, PEER, "Your feedback, please: P-1")
    opened = form_of(await wire.fetch(PEER, {"dialog": "feedback", "panel": 1}))
    bad = form_of(await wire.submit(PEER, submit_data(opened, **{**FEEDBACK, "evidence": ""})))
    assert "evidence" in errors(bad) and inputs(bad)["concerns"]["value"] == FEEDBACK["concerns"]
    await wire.submit(PEER, submit_data(bad, **FEEDBACK))
    await settle(teams)
    reopened = form_of(await wire.fetch(PEER, {"dialog": "feedback", "panel": 1}))
    assert inputs(reopened)["evidence"]["value"] == FEEDBACK["evidence"]  # editable until final
    await wire.say(LEADER, "status P-1")
    blind = cards(teams, LEADER, "Status of P-1")[-1]
    assert "Yours first" in blind and FEEDBACK["evidence"] not in blind
    await wire.say(COORDINATOR, "status P-1")
    assert FEEDBACK["evidence"][:40] in cards(teams, COORDINATOR, "Status of P-1")[-1]
    for panelist in (LEADER, OUTSIDER):
        opened = form_of(await wire.fetch(panelist, {"dialog": "feedback", "panel": 1}))
        await wire.submit(panelist, submit_data(opened, **FEEDBACK))
        await settle(teams)
    await wire.say(LEADER, "status P-1")
    assert FEEDBACK["evidence"][:40] in cards(teams, LEADER, "Status of P-1")[-1]

    # ---------------------------------------------------------------- decision, update
    ask = cards(teams, HIRING_MANAGER, "Decision: P-1")[-1]
    assert "Pat Peer" in ask
    refused = await wire.fetch(RECRUITER, {"dialog": "decide", "panel": 1, "outcome": "advance"})
    assert refused.json()["task"]["type"] == "message"
    decide = form_of(
        await wire.fetch(HIRING_MANAGER, {"dialog": "decide", "panel": 1, "outcome": "advance"})
    )
    no_reason = form_of(await wire.submit(HIRING_MANAGER, submit_data(decide, reason="")))
    assert "reason" in errors(no_reason)
    await wire.submit(HIRING_MANAGER, submit_data(no_reason, reason="Strong on the core stack."))
    await settle(teams)
    assert cards(teams, RECRUITER, "Update the candidate: P-1")
    update = form_of(await wire.fetch(RECRUITER, {"dialog": "candidate_updated", "panel": 1}))
    await wire.submit(RECRUITER, submit_data(update, note="Told Ada she advances to round 3."))
    await settle(teams)
    async with bot.db.session() as session:
        assert len(list(await session.scalars(select(Feedback)))) == 3
        assert (await session.scalar(select(Decision))).outcome == "advance"
        assert (await session.scalar(select(CandidateUpdate))).author_id == RECRUITER
        seats = {p.user_id for p in await session.scalars(select(Panelist))}
        assert seats == {PEER, LEADER, OUTSIDER}

    # ---------------------------------------------------------------- list, history
    await wire.say(COORDINATOR, "list")
    assert "P-1" in cards(teams, COORDINATOR, "Your panels")[-1]
    await wire.say(HIRING_MANAGER, "history P-1")
    history = cards(teams, HIRING_MANAGER, "History of P-1")[-1]
    assert "Strong on the core stack" in history and "Hank Hiring" in history


async def test_stalled_candidates_are_nudged_and_listed(teams):
    wire, bot = teams.wire, teams.bot
    for person in (COORDINATOR, HIRING_MANAGER, RECRUITER, PEER):
        await wire.install(person)
    from tests.teams.test_commands import schedule_people

    await schedule_people(teams, (PEER,))
    await bot.run_nudges(END)
    # Nobody gives feedback: days later the recruiter and hiring manager hear what blocks.
    for day in range(1, 8):
        await bot.run_nudges(END + timedelta(days=day, hours=1))
    waiting = cards(teams, RECRUITER, "The candidate is waiting: P-1")
    assert waiting and "feedback missing from Pat Peer" in waiting[-1]
    assert cards(teams, HIRING_MANAGER, "The candidate is waiting: P-1")
    await wire.say(RECRUITER, "stalled")
    stalled = cards(teams, RECRUITER, "Stalled candidates")[-1]
    assert "P-1" in stalled and "feedback missing from Pat Peer" in stalled
