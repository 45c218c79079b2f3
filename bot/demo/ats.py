"""``hirebot demo --ats ashby`` (or ``greenhouse``): a panel arriving from the ATS, with no
Slack or ATS account.

The real app runs against the built-in fake Slack and a fake ATS on loopback: the ATS sends a
signed webhook (Ashby) or is polled (Greenhouse); each panelist gets their packet with round 1's
questions and notes and the résumé file in their DM, nobody typing anything; after the panel a
panelist's feedback goes back into Ashby's form (Greenhouse: the ask links to its scorecard).
"""

from __future__ import annotations

import logging
import tempfile
import traceback
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any

from bot.demo.runner import held_logs, terminal_width, tolerant_stdout, use_color
from bot.devtools.people import COORDINATOR, PEER
from bot.devtools.transcript import Transcript

if TYPE_CHECKING:
    from bot.ats.sync import AtsService
    from bot.devtools.harness import Harness

log = logging.getLogger(__name__)

NOW = datetime(2026, 11, 25, 15, 0, tzinfo=UTC)  # Wednesday, 10:00 in New York
START = datetime(2026, 11, 27, 15, 0, tzinfo=UTC)  # Friday, 10:00 in New York
RESUME = b"%PDF-1.4\n% Ada Lovelace - analytical engines, notes on the Bernoulli numbers\n"
PANEL = ["pat@acme.example", "carlos@acme.example", "lee@acme.example", "nora@contractor.example"]
FEEDBACK = {
    "recommendation": "yes",
    "rating": "3",
    "evidence": "Designed a CDC pipeline end to end; clear on trade-offs.",
    "concerns": "Little streaming experience.",
    "questions_asked": "How would you backfill a year of events?\nWalk me through a schema change",
}


class AtsDemoError(Exception):
    pass


async def run_ats_demo(source: str, *, quiet: bool = False) -> int:
    if not quiet:
        tolerant_stdout()
    problems: list[str] = []
    summary = ""

    def write(line: str) -> None:
        if not quiet:
            print(line)

    with tempfile.TemporaryDirectory(prefix="hirebot-ats-demo-") as tmp, held_logs() as logs:
        url = f"sqlite:///{Path(tmp) / 'hirebot.db'}"
        try:
            play = _ashby if source == "ashby" else _greenhouse
            summary = await play(url, write, terminal_width(), use_color(quiet), problems)
        except AtsDemoError as exc:
            problems.append(str(exc))
        except Exception as exc:
            problems.append(f"the demo crashed: {type(exc).__name__}: {exc}")
            if not quiet:
                traceback.print_exc()
        problems += [
            f"{r.levelname.lower()} from {r.name}: {r.getMessage()}"
            for r in logs.records
            if r.levelno >= logging.ERROR
        ]
    if problems:
        print("hirebot demo --ats: something went wrong:")
        for p in problems:
            print(f"  - {p}")
        return 1
    print(summary)
    return 0


def _expect(condition: bool, what: str) -> None:
    if not condition:
        raise AtsDemoError(what)


def _resume_line(bot: Any, user_id: str) -> list[dict[str, Any]]:
    files = bot.fake.files_in(bot.dm(user_id))
    return [f for f in files if str(f.get("title", "")).startswith("Résumé")]


async def _show_arrival(bot: Any, t: Transcript, label: str) -> None:
    t.banner(2, f"Pat's DM: the packet and the résumé, from {label}")
    t.sees(PEER, "a DM from HireBot")
    packet = next(m for m in bot.fake.dms_to(PEER) if "P-1" in m["text"])
    t.message(packet, first=14, rest="the roster, focus themes, buttons")
    (resume,) = _resume_line(bot, PEER)
    t.out(f"  📎 {resume['name']} ({len(resume['bytes'])} bytes), shared in Pat's DM by HireBot")
    t.note(
        f"The résumé was downloaded from {label} through a fresh link (theirs expire) and"
        " uploaded into each panelist's DM; it is deleted again if they leave the panel or it is"
        " cancelled. Round 1's questions and notes came from the screen's scorecard."
    )
    t.banner(3, "Cora's DM: who could not be found in Slack")
    t.sees(COORDINATOR, "a DM from HireBot")
    note = next(m for m in bot.fake.dms_to(COORDINATOR) if "couldn't be found" in m["text"])
    t.message(note)


async def _settle(bot: Any) -> None:
    for _ in range(3):
        await bot.services.ats.drain()
        await bot.services.pipeline.drain()
        await bot.settled()


async def _give_feedback(bot: Any, user_id: str) -> None:
    """Press "Submit feedback" and fill the modal, through Slack's wire."""
    from bot.slack import ids

    before = len(bot.fake.calls_to("views.open"))
    await bot.wire.click(user_id, ids.FEEDBACK_OPEN, "1")
    view = (await bot.fake.wait_for("views.open", before + 1))[-1]["view"]
    response = await bot.wire.submit(user_id, view, FEEDBACK)
    _expect(response.status_code == 200, f"the feedback form answered {response.status_code}")
    await _settle(bot)


async def _ashby(url: str, write: Any, width: int, color: bool, problems: list[str]) -> str:
    from bot.devtools.fake_ashby import API_KEY, WEBHOOK_SECRET, FakeAshby, seed_cast
    from bot.devtools.harness import Harness

    ashby = FakeAshby()
    await ashby.start()
    try:
        users = seed_cast(ashby)
        screen_form, form = ashby.add_form("Phone screen"), ashby.add_form()
        application = ashby.add_application(
            candidate="Ada Lovelace",
            job_title="Senior Data Engineer",
            description="Own the ingestion pipelines and mentor two engineers.",
            stage="Onsite",
            hiring_team={
                "Hiring Manager": users["hank@acme.example"],
                "Recruiter": users["rita@acme.example"],
                "Recruiting Coordinator": users["cora@acme.example"],
            },
            resume=("Ada Lovelace - CV.pdf", RESUME),
        )
        ashby.add_feedback(
            application,
            users["ronda@acme.example"],
            screen_form,
            {
                "overall_recommendation": {"score": 3},
                "questions_asked": "Tell me about yourself\nWhat is your notice period?",
                "notes": {"type": "PlainText", "value": "Strong on SQL; light on streaming."},
            },
            interview="Phone screen",
            at=NOW - timedelta(days=5),
        )
        onsite = ashby.add_interview("Onsite panel", form)
        settings: dict[str, Any] = {
            "ats": "ashby",
            "ashby_api_key": API_KEY,
            "ashby_webhook_secret": WEBHOOK_SECRET,
            "ashby_api_url": ashby.base_url,
            "ats_panel_stages": ("Onsite",),
        }
        async with Harness.running(url, now=NOW, **settings) as bot:
            t = Transcript(bot.fake.users, width=width, color=color, write=write)
            t.banner(1, "Ashby: Cora schedules Ada's onsite panel")
            t.note(
                "In Ashby, not in Slack: the onsite stage, Friday 10:00 New York, with Pat, Carlos,"
                " Lee and a contractor Slack doesn't know. Ashby sends HireBot a signed webhook."
            )
            ids = [users[e] for e in PANEL]
            schedule = ashby.schedule(application, onsite, START, 60, ids, at=NOW)
            body, headers = ashby.webhook("interviewScheduleCreate", schedule)
            response = await bot.http.post("/ats/ashby/webhook", content=body, headers=headers)
            t.out(f"  POST /ats/ashby/webhook → {response.status_code} {response.text}")
            _expect(response.status_code == 200, "the webhook was refused")
            await _settle(bot)
            _expect(bool(_resume_line(bot, PEER)), "Pat did not get the résumé")
            await _show_arrival(bot, t, "Ashby")
            t.banner(4, "After the panel: Pat's feedback goes back to Ashby")
            await bot.run_nudges(START + timedelta(hours=1))
            t.act(
                PEER, "presses Submit feedback and fills the form (yes, 3/4, evidence, questions)"
            )
            await _give_feedback(bot, PEER)
            (submitted,) = ashby.calls_to("applicationFeedback.submit")
            t.out("  Ashby received applicationFeedback.submit:")
            for item in submitted["feedbackForm"]["fieldSubmissions"]:
                value = item["value"]
                shown = (
                    value.get("value", value)
                    if isinstance(value, dict) and "type" in value
                    else value
                )
                t.out(f"    {item['path']}: {str(shown).replace(chr(10), ' / ')}")
            problems += [f"Slack would reject: {v}" for v in bot.fake.violations]
            calls = len(ashby.calls)
        return (
            f"ATS demo finished: 1 panel from Ashby, résumé shared with 3 panelists, 1 person not"
            f" found named to the coordinator, feedback written back ({calls} Ashby calls)."
        )
    finally:
        await ashby.stop()


async def _greenhouse(url: str, write: Any, width: int, color: bool, problems: list[str]) -> str:
    from bot.devtools.fake_greenhouse import CLIENT_ID, CLIENT_SECRET, FakeGreenhouse
    from bot.devtools.fake_greenhouse import seed_cast as seed
    from bot.devtools.harness import Harness

    gh = FakeGreenhouse()
    await gh.start()
    try:
        users = seed(gh)
        users["nora@contractor.example"] = gh.add_user("Nora", "Nobody", "nora@contractor.example")
        application = gh.add_application(
            first="Ada",
            last="Lovelace",
            job="Senior Data Engineer",
            description_html="<p>Own the ingestion pipelines and mentor two engineers.</p>",
            hiring_team={
                "hiring_managers": [users["hank@acme.example"]],
                "recruiters": [users["rita@acme.example"]],
                "coordinators": [users["cora@acme.example"]],
            },
            resume=("Ada Lovelace - CV.pdf", RESUME),
        )
        gh.add_scorecard(
            application,
            None,
            users["ronda@acme.example"],
            "yes",
            [
                ("Tell me about yourself", "Data engineer, 6 years"),
                ("What is your notice period?", "One month"),
            ],
            at=NOW - timedelta(days=5),
            interview_name="Phone screen",
        )
        onsite = gh.add_job_interview(application, "Onsite", "Panel interview")
        settings: dict[str, Any] = {
            "ats": "greenhouse",
            "greenhouse_client_id": CLIENT_ID,
            "greenhouse_client_secret": CLIENT_SECRET,
            "greenhouse_api_url": gh.base_url,
            "greenhouse_token_url": gh.token_url,
            "ats_panel_stages": ("Onsite",),
        }
        async with Harness.running(url, now=NOW, **settings) as bot:
            t = Transcript(bot.fake.users, width=width, color=color, write=write)
            t.banner(1, "Greenhouse: Cora schedules Ada's onsite panel")
            t.note("Greenhouse has no webhook for scheduled interviews: HireBot's sync polls it.")
            interview = gh.schedule(
                application,
                onsite,
                START,
                60,
                [users[e] for e in PANEL],
                organizer=users["cora@acme.example"],
                at=NOW,
            )
            report = await _ats(bot).sync()
            t.out(f"  hirebot ats sync → {report}")
            await _settle(bot)
            _expect(bool(_resume_line(bot, PEER)), "Pat did not get the résumé")
            await _show_arrival(bot, t, "Greenhouse")
            t.banner(4, "After the panel: the feedback ask links to Greenhouse's scorecard")
            await bot.run_nudges(START + timedelta(hours=1))
            ask = next(m for m in bot.fake.dms_to(PEER) if "Your feedback" in m["text"])
            t.sees(PEER, "a DM from HireBot")
            t.message(ask)
            gh.add_scorecard(
                application,
                interview,
                users["pat@acme.example"],
                "yes",
                [("How would you backfill a year of events?", "Well")],
                at=START + timedelta(hours=2),
            )
            bot.clock.set(START + timedelta(hours=3))
            await _ats(bot).sync()
            await _settle(bot)
            t.note(
                "Pat wrote the scorecard in Greenhouse; the next sync recorded it, and Pat's reminder was cancelled."
            )
            problems += [f"Slack would reject: {v}" for v in bot.fake.violations]
        return "ATS demo finished: 1 panel from Greenhouse, résumé shared with 3 panelists, the scorecard read back."
    finally:
        await gh.stop()


def _ats(bot: Harness) -> AtsService:
    ats = bot.services.ats
    if ats is None:
        raise AtsDemoError("the ATS is not configured")
    return ats
