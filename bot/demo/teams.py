"""``hirebot demo --platform teams``: the lifecycle in Microsoft Teams, on this machine.

The real app runs against HireBot's loopback fake of Microsoft (Bot Framework's connector and
signing keys, the token authority, Graph), over TLS with a CA of its own. Every activity is
signed with an RS256 key and posted to ``/api/messages`` as Teams would; every card the bot
sends lands in the fake and is printed as the person would read it.
"""

from __future__ import annotations

import logging
import sys
import tempfile
import traceback
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

NOW = datetime(2026, 3, 2, 14, 0, tzinfo=UTC)  # Monday 09:00 in New York
START = datetime(2026, 3, 4, 15, 0, tzinfo=UTC)  # Wednesday 10:00 in New York


class DemoError(Exception):
    pass


class _TeamsDemo:
    def __init__(self, harness: Any, fake: Any, wire: Any, write: Any) -> None:
        self.bot, self.fake, self.wire, self.write = harness, fake, wire, write
        self.step = 0
        self.seen: dict[str, int] = {}
        self.sent = 0

    # ------------------------------------------------------------------ transcript
    def name(self, aad: str) -> str:
        user = self.fake.users.get(aad)
        return user.name if user else aad

    def section(self, title: str) -> None:
        self.step += 1
        self.write("")
        self.write(f"━━ {self.step} · {title} " + "━" * max(3, 88 - len(title)))

    def says(self, aad: str, what: str) -> None:
        self.write(f"▶ {self.name(aad)} {what}")

    def show_card(self, who: str, card: dict[str, Any], heading: str) -> None:
        from bot.devtools.card_text import card_lines

        self.write(f"── {heading} " + "─" * max(3, 86 - len(heading)))
        for line in card_lines(card):
            self.write(line)

    def news(self, *people: str) -> int:
        """Print every card each person got since last time; returns how many."""
        shown = 0
        for aad in people:
            cards = self.fake.cards_to(aad)
            for card in cards[self.seen.get(aad, 0) :]:
                self.show_card(aad, card, f"{self.name(aad)} gets, in Teams")
                shown += 1
            self.seen[aad] = len(cards)
        self.sent += shown
        return shown

    def form(self, answer: Any, who: str) -> dict[str, Any]:
        body = answer.json()
        task = body.get("task") or {}
        if task.get("type") != "continue":
            raise DemoError(f"expected a dialog, got {body}")
        card = task["value"]["card"]["content"]
        self.show_card(who, card, f"{self.name(who)} sees the dialog “{task['value']['title']}”")
        return card

    def closed(self, answer: Any, who: str) -> str:
        task = answer.json().get("task") or {}
        if task.get("type") != "message":
            raise DemoError(f"the dialog did not close: {answer.json()}")
        self.write(f"   (the dialog closes: “{task['value']}”)")
        return str(task["value"])

    @staticmethod
    def filled(card: dict[str, Any], **values: Any) -> dict[str, Any]:
        data = dict(card["actions"][0]["data"])

        def walk(elements: list[dict[str, Any]]) -> None:
            for element in elements:
                if str(element.get("type", "")).startswith("Input."):
                    data[element["id"]] = element.get("value", "")
                walk(element.get("items") or [])

        walk(card["body"])
        data.update(values)
        return data

    async def show_home(self, aad: str) -> None:
        """The person's home card as it reads now: the welcome, updated in place."""
        from bot.devtools.fake_teams import card_of
        from bot.models import TeamsHomeCard

        async with self.bot.db.session() as session:
            stored = await session.get(TeamsHomeCard, aad)
        activity = self.fake.message(aad, stored.activity_id) if stored else None
        content = card_of(activity) if activity else None
        if content is None:
            raise DemoError(f"{self.name(aad)} has no home card")
        heading = f"{self.name(aad)}'s home card (the welcome, updated in place)"
        self.show_card(aad, content, heading)

    async def settle(self) -> None:
        await self.bot.services.pipeline.drain()
        await self.bot.settled()

    # ------------------------------------------------------------------ the story
    async def play(self) -> None:
        from bot.devtools import teams_wire as cast

        bot, wire = self.bot, self.wire
        team = (
            cast.COORDINATOR,
            cast.HIRING_MANAGER,
            cast.RECRUITER,
            cast.PEER,
            cast.CROSS,
            cast.LEADER,
            cast.PEER2,
        )

        self.section("The team installs HireBot in Teams")
        for person in team:
            if (await wire.install(person)).status_code != 200:
                raise DemoError(f"install for {self.name(person)} refused")
        self.write(
            "  Each install stores a conversation reference (tenant, Azure AD id, serviceUrl)."
        )
        self.news(cast.COORDINATOR)
        for person in team[1:]:
            self.seen[person] = len(self.fake.cards_to(person))

        self.section("Cora schedules a panel for Ada Lovelace")
        self.says(cast.COORDINATOR, "types  new Ada Lovelace  in her chat with HireBot")
        await wire.say(cast.COORDINATOR, "new Ada Lovelace")
        self.news(cast.COORDINATOR)
        self.says(cast.COORDINATOR, "presses [Schedule a panel…]")
        step1 = self.form(
            await wire.fetch(cast.COORDINATOR, {"dialog": "schedule", "candidate": "Ada Lovelace"}),
            cast.COORDINATOR,
        )
        typed = {
            "role_title": "",
            "responsibilities": "Own the ingestion pipelines and the data contracts.",
            "start_date": "2026-03-01",
            "start_time": "10:00",
            "location": "https://meet.example.com/ada-r2",
            "panelists": f"{cast.PEER},{cast.CROSS},{cast.LEADER}",
            "hiring_manager": cast.HIRING_MANAGER,
            "recruiter": cast.RECRUITER,
            "resume_url": "https://files.example.com/ada.pdf",
            "prior_notes": "Strong on SQL; light on streaming.",
            "prior_questions": "Tell me about yourself\nWhy are you leaving your job?",
        }
        self.says(cast.COORDINATOR, "submits it with no role title and yesterday's date")
        again = self.form(
            await wire.submit(cast.COORDINATOR, self.filled(step1, **typed)), cast.COORDINATOR
        )
        typed |= {"role_title": "Senior Data Engineer", "start_date": f"{START:%Y-%m-%d}"}
        self.says(cast.COORDINATOR, "fixes both (nothing else was lost) and goes on")
        step2 = self.form(
            await wire.submit(cast.COORDINATOR, self.filled(again, **typed)), cast.COORDINATOR
        )
        focus = {
            f"focus:{cast.PEER}": "technical_depth",
            f"perspective:{cast.PEER}": "peer",
            f"focus:{cast.CROSS}": "stakeholder_alignment",
            f"perspective:{cast.CROSS}": "cross_functional",
            f"focus:{cast.LEADER}": "culture_values",
            f"perspective:{cast.LEADER}": "leadership",
        }
        self.closed(
            await wire.submit(cast.COORDINATOR, self.filled(step2, **focus)), cast.COORDINATOR
        )
        await self.settle()
        self.news(cast.COORDINATOR, cast.PEER)
        self.seen[cast.CROSS] = len(self.fake.cards_to(cast.CROSS))
        self.seen[cast.LEADER] = len(self.fake.cards_to(cast.LEADER))
        await self.show_home(cast.PEER)

        self.section("Carlos can't attend; Cora replaces him with Priya")
        self.says(cast.CROSS, "presses [I can't attend] on his packet")
        decline = self.form(
            await wire.fetch(cast.CROSS, {"dialog": "decline", "panel": 1}), cast.CROSS
        )
        self.closed(
            await wire.submit(cast.CROSS, self.filled(decline, reason="On leave that week")),
            cast.CROSS,
        )
        await self.settle()
        self.news(cast.COORDINATOR)
        self.says(cast.COORDINATOR, "presses [Replace them] and picks Priya Peer")
        replace = self.form(
            await wire.fetch(
                cast.COORDINATOR, {"dialog": "replace", "panel": 1, "panelist": cast.CROSS}
            ),
            cast.COORDINATOR,
        )
        self.closed(
            await wire.submit(cast.COORDINATOR, self.filled(replace, replacement=cast.PEER2)),
            cast.COORDINATOR,
        )
        await self.settle()
        self.write("  Carlos's packet is updated in place (he is off the panel); Priya gets hers.")
        self.seen[cast.CROSS] = len(self.fake.cards_to(cast.CROSS))
        self.seen[cast.PEER2] = len(self.fake.cards_to(cast.PEER2))

        self.section("Pat plans questions; one repeats round 1")
        plan = self.form(await wire.fetch(cast.PEER, {"dialog": "plan", "panel": 1}), cast.PEER)
        questions = "Tell me about yourself\nHow do you backfill a year of events safely?"
        self.says(cast.PEER, "saves two questions")
        self.form(await wire.submit(cast.PEER, self.filled(plan, questions=questions)), cast.PEER)
        self.says(cast.PEER, "presses [I've reviewed the materials]: the card updates in place")
        answer = (await wire.execute(cast.PEER, "prep.confirm", {"panel": 1})).json()
        self.show_card(cast.PEER, answer["value"], "Pat's card now reads")
        await self.settle()
        self.seen[cast.PEER] = len(self.fake.cards_to(cast.PEER))

        self.section("The day before, and two hours before")
        await bot.run_nudges(START - timedelta(hours=24))
        if not self.news(cast.LEADER):
            raise DemoError("no prep reminder for Lee")
        self.seen[cast.PEER2] = len(self.fake.cards_to(cast.PEER2))
        await bot.run_nudges(START - timedelta(hours=2))
        if not self.news(cast.COORDINATOR):
            raise DemoError("no escalation to Cora")

        self.section("After the panel: feedback, blind until one's own is in")
        await bot.run_nudges(START + timedelta(hours=1))
        self.news(cast.PEER)
        feedback = {
            "recommendation": "yes",
            "rating": "3",
            "evidence": "Designed a CDC pipeline end to end; clear on trade-offs.",
            "concerns": "Little streaming experience.",
            "questions_asked": "How do you backfill a year of events safely?",
        }
        for person in (cast.PEER, cast.LEADER, cast.PEER2):
            opened = await wire.fetch(person, {"dialog": "feedback", "panel": 1})
            card = opened.json()["task"]["value"]["card"]["content"]
            if person == cast.PEER:
                self.form(opened, person)
            self.says(person, "submits feedback")
            self.closed(await wire.submit(person, self.filled(card, **feedback)), person)
            await self.settle()
        for person in (cast.LEADER, cast.PEER2):
            self.seen[person] = len(self.fake.cards_to(person))

        self.section("Hank decides; Rita tells Ada")
        self.news(cast.HIRING_MANAGER)
        self.says(cast.HIRING_MANAGER, "presses [Advance]")
        decide = self.form(
            await wire.fetch(
                cast.HIRING_MANAGER, {"dialog": "decide", "panel": 1, "outcome": "advance"}
            ),
            cast.HIRING_MANAGER,
        )
        self.closed(
            await wire.submit(
                cast.HIRING_MANAGER, self.filled(decide, reason="Strong on the core stack.")
            ),
            cast.HIRING_MANAGER,
        )
        await self.settle()
        self.news(cast.RECRUITER)
        update = await wire.fetch(cast.RECRUITER, {"dialog": "candidate_updated", "panel": 1})
        card = update.json()["task"]["value"]["card"]["content"]
        self.says(cast.RECRUITER, "tells Ada, then presses [I've updated the candidate]")
        self.closed(
            await wire.submit(cast.RECRUITER, self.filled(card, note="Ada advances to round 3.")),
            cast.RECRUITER,
        )
        await self.settle()

        self.section("Cora looks back")
        self.says(cast.COORDINATOR, "types  history P-1")
        await wire.say(cast.COORDINATOR, "history P-1")
        self.news(cast.COORDINATOR)


async def run_teams_demo(quiet: bool = False) -> int:
    """The Teams transcript (or, with ``quiet``, the summary line); 0 when all went well."""

    def write(line: str) -> None:
        if not quiet:
            print(line)

    write("HireBot demo in Microsoft Teams: second-round interview panels, start to finish.")
    write("  The real app runs against a fake Microsoft on loopback (Bot Framework connector,")
    write("  signing keys, token authority, Graph) over TLS: no tenant, no network. Activities")
    write("  are signed with RS256 and posted to /api/messages; cards are shown as text.")
    problems: list[str] = []
    demo: _TeamsDemo | None = None
    logging.getLogger().setLevel(logging.ERROR)
    with tempfile.TemporaryDirectory(prefix="hirebot-teams-demo-") as tmp:
        url = f"sqlite:///{Path(tmp) / 'hirebot.db'}"
        try:
            from bot.devtools.harness import Harness
            from bot.devtools.teams_wire import (
                COORDINATOR,
                TeamsWire,
                fake_teams_running,
                teams_settings,
            )

            async with fake_teams_running() as fake:
                settings = teams_settings(fake)
                async with Harness.running(
                    url, now=NOW, coordinators=frozenset({COORDINATOR}), **settings
                ) as harness:
                    demo = _TeamsDemo(harness, fake, TeamsWire(harness.http, fake), write)
                    try:
                        await demo.play()
                    except (DemoError, AssertionError, KeyError) as exc:
                        problems.append(f"step {demo.step}: {exc}")
                    problems += [f"Teams would reject: {v}" for v in fake.violations]
        except Exception as exc:
            problems.append(f"the demo crashed: {type(exc).__name__}: {exc}")
            if not quiet:
                traceback.print_exc()
    sent = demo.sent if demo else 0
    if problems:
        for problem in problems:
            print(f"✖ {problem}", file=sys.stderr if quiet else sys.stdout)
        print(f"Teams demo FAILED: {len(problems)} problem(s).")
        return 1
    write("")
    print(
        f"Teams demo complete: 1 panel scheduled, 3 feedback, 1 decided, 1 candidate updated; {sent} cards shown."
    )
    return 0
