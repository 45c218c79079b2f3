"""ATS benchmark: how long from an Ashby webhook to every panelist holding packet and résumé,
against the same panel scheduled through Slack's modal (the baseline: the chat path without the
ATS's calls and the file upload); and how long a Greenhouse sync of N new interviews takes, with
its API calls counted.

In one process, like the tests: the real ASGI app, the loopback fake Slack, the loopback fake
Ashby / Greenhouse, SQLite in a temporary directory (or ``--database-url``). Run:
``python bench/ats.py [--panels 20] [--sync 100]``.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import platform
import statistics
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import contextlib

from bot.devtools.fake_ashby import API_KEY, WEBHOOK_SECRET, FakeAshby
from bot.devtools.fake_ashby import seed_cast as seed_ashby
from bot.devtools.fake_greenhouse import CLIENT_ID, CLIENT_SECRET, FakeGreenhouse
from bot.devtools.fake_greenhouse import seed_cast as seed_greenhouse
from bot.devtools.harness import Harness
from bot.devtools.people import COORDINATOR, CROSS, LEADER, PEER

NOW = datetime(2026, 11, 25, 15, 0, tzinfo=UTC)
PANEL = ["pat@acme.example", "carlos@acme.example", "lee@acme.example"]
RESUME = b"%PDF-1.4 " + b"x" * 200_000  # a 200 kB résumé


async def settle(bot: Harness) -> None:
    for _ in range(3):
        if bot.services.ats is not None:
            await bot.services.ats.drain()
        await bot.services.pipeline.drain()
        await bot.settled(timeout=30)


async def arrived(bot: Harness, reference: str, *, resume: bool, before: int) -> None:
    """Until every panelist has the packet (and, with ``resume``, one more résumé)."""
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        packets = all(
            any(reference in m["text"] and "Prep packet" in m["text"] for m in bot.fake.dms_to(u))
            for u in (PEER, CROSS, LEADER)
        )
        files = not resume or all(resumes(bot, u) > before for u in (PEER, CROSS, LEADER))
        if packets and files:
            return
        await asyncio.sleep(0.005)
    raise AssertionError(f"{reference} did not reach every panelist")


def resumes(bot: Harness, user: str) -> int:
    return sum(
        1 for f in bot.fake.files_in(bot.dm(user)) if str(f.get("title", "")).startswith("Résumé")
    )


async def ashby_latency(url: str, count: int) -> dict:
    ashby = FakeAshby()
    await ashby.start()
    users = seed_ashby(ashby)
    form = ashby.add_form()
    settings = {
        "ats": "ashby",
        "ashby_api_key": API_KEY,
        "ashby_webhook_secret": WEBHOOK_SECRET,
        "ashby_api_url": ashby.base_url,
        "ats_panel_stages": ("Onsite",),
    }
    ats, chat = [], []
    try:
        async with Harness.running(url, now=NOW, **settings) as bot:
            # The same three people sit on every panel here: Slack's one message a second per
            # person would measure the pacing, not the path. Off for both paths.
            bot.services.dispatcher.pace = 0
            for i in range(count):
                application = ashby.add_application(
                    candidate=f"Candidate {i}",
                    job_title="Senior Data Engineer",
                    description="Own the ingestion pipelines.",
                    stage="Onsite",
                    hiring_team={
                        "Hiring Manager": users["hank@acme.example"],
                        "Recruiter": users["rita@acme.example"],
                        "Recruiting Coordinator": users["cora@acme.example"],
                    },
                    resume=(f"cv-{i}.pdf", RESUME),
                )
                onsite = ashby.add_interview("Onsite panel", form)
                start = NOW + timedelta(days=2, hours=i)
                schedule = ashby.schedule(
                    application, onsite, start, 60, [users[e] for e in PANEL], at=NOW
                )
                before = resumes(bot, PEER)
                body, headers = ashby.webhook("interviewScheduleCreate", schedule)
                t0 = time.perf_counter()
                await bot.http.post("/ats/ashby/webhook", content=body, headers=headers)
                await arrived(bot, f"P-{2 * i + 1}", resume=True, before=before)
                ats.append(time.perf_counter() - t0)
                await settle(bot)
                # Baseline: the same panel typed into Slack's modal (packets and invites, no ATS).
                from tests.factories import basics

                t0 = time.perf_counter()
                await bot.schedule(
                    COORDINATOR,
                    basics(bot, start=start + timedelta(minutes=30), candidate=f"Typed {i}"),
                    {
                        PEER: ("technical_depth", "peer"),
                        CROSS: ("stakeholder_alignment", "cross_functional"),
                        LEADER: ("culture_values", "leadership"),
                    },
                    confirmed=False,
                )
                await arrived(bot, f"P-{2 * i + 2}", resume=False, before=0)
                chat.append(time.perf_counter() - t0)
                await settle(bot)
            calls = len(ashby.calls)
    finally:
        await ashby.stop()
    return {
        "panels": count,
        "webhook_to_packet_and_resume_p50_ms": round(statistics.median(ats) * 1000, 1),
        "webhook_to_packet_and_resume_p95_ms": round(
            sorted(ats)[int(0.95 * (len(ats) - 1))] * 1000, 1
        ),
        "slack_modal_to_packet_p50_ms": round(statistics.median(chat) * 1000, 1),
        "slack_modal_to_packet_p95_ms": round(sorted(chat)[int(0.95 * (len(chat) - 1))] * 1000, 1),
        "ashby_calls_per_panel": round(calls / count, 1),
    }


async def greenhouse_sync(url: str, count: int) -> dict:
    gh = FakeGreenhouse(rate_limit=10_000)
    await gh.start()
    users = seed_greenhouse(gh)
    settings = {
        "ats": "greenhouse",
        "greenhouse_client_id": CLIENT_ID,
        "greenhouse_client_secret": CLIENT_SECRET,
        "greenhouse_api_url": gh.base_url,
        "greenhouse_token_url": gh.token_url,
        "ats_panel_stages": ("Onsite",),
    }
    try:
        for i in range(count):
            application = gh.add_application(
                first="Candidate",
                last=str(i),
                job="Staff Compiler Engineer",
                description_html="<p>Compilers.</p>",
                hiring_team={
                    "hiring_managers": [users["hank@acme.example"]],
                    "recruiters": [users["rita@acme.example"]],
                    "coordinators": [users["cora@acme.example"]],
                },
                resume=(f"cv-{i}.pdf", b"%PDF small"),
            )
            onsite = gh.add_job_interview(application, "Onsite", "Panel")
            gh.schedule(
                application,
                onsite,
                NOW + timedelta(days=3, minutes=30 * i),
                60,
                [users[e] for e in PANEL],
                organizer=users["cora@acme.example"],
                at=NOW,
            )
        async with Harness.running(url, now=NOW, **settings) as bot:
            bot.services.dispatcher.pace = 0  # packets: not this benchmark's question
            t0 = time.perf_counter()
            report = await bot.services.ats.sync()  # panels made, résumés shared (its tasks)
            synced = time.perf_counter() - t0
            await bot.services.ats.drain()
            shared = sum(resumes(bot, u) for u in (PEER, CROSS, LEADER))
            t1 = time.perf_counter()
            again = await bot.services.ats.sync()
            idle = time.perf_counter() - t1
            api_calls = sum(1 for c in gh.calls if c.path.startswith("/v3/"))
    finally:
        await gh.stop()
    assert report.created == count, report
    return {
        "interviews": count,
        "sync_s": round(synced, 2),
        "resumes_shared": shared,
        "resync_nothing_new_s": round(idle, 2),
        "harvest_calls": api_calls,
        "resync_unchanged": again.unchanged,
    }


def machine() -> dict:
    cpu = ""
    with contextlib.suppress(OSError, StopIteration):
        cpu = next(
            line.split(":", 1)[1].strip()
            for line in Path("/proc/cpuinfo").read_text().splitlines()
            if line.startswith("model name")
        )
    return {
        "cpu": cpu,
        "cpus": os.cpu_count(),
        "python": platform.python_version(),
        "os": f"{platform.system()} {platform.release()}",
        "load": os.getloadavg(),
        "when": datetime.now(UTC).isoformat(timespec="seconds"),
    }


async def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--panels", type=int, default=20)
    parser.add_argument("--sync", type=int, default=100)
    parser.add_argument("--database-url")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        result = {"machine": machine()}
        url = args.database_url or f"sqlite:///{Path(tmp) / 'a.db'}"
        result["ashby"] = await ashby_latency(url, args.panels)
        url = args.database_url or f"sqlite:///{Path(tmp) / 'g.db'}"
        result["greenhouse"] = await greenhouse_sync(url, args.sync)
    out = Path(__file__).parent / "results" / f"ats-{int(time.time())}.json"
    out.parent.mkdir(exist_ok=True)
    out.write_text(json.dumps(result, indent=2))
    print(json.dumps(result, indent=2))


if __name__ == "__main__":
    asyncio.run(main())
