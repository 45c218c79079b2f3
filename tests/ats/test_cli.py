"""The ATS settings and commands: one-line errors and exit 2, ``hirebot ats sync`` as a
process against the fakes on loopback, and ``hirebot demo --ats``."""

from __future__ import annotations

import asyncio
import os
import sys
from datetime import UTC, datetime, timedelta

import pytest

from bot.demo.ats import run_ats_demo
from bot.devtools.fake_greenhouse import CLIENT_ID, CLIENT_SECRET, FakeGreenhouse, seed_cast
from bot.devtools.fake_slack import FakeSlack, dm_channel
from bot.devtools.people import PEER, seed
from tests.test_settings import run_cli

ATS_ENV = ("ASHBY_", "GREENHOUSE_")


def env(**values: str) -> dict[str, str]:
    return {k: "" for k in os.environ if k.startswith(ATS_ENV)} | values


@pytest.mark.parametrize(
    ("values", "says"),
    [
        ({"HIREBOT_ATS": "lever"}, "invalid setting HIREBOT_ATS"),
        (
            {"HIREBOT_ATS": "ashby"},
            "missing setting ASHBY_API_KEY (required for HIREBOT_ATS=ashby)",
        ),
        ({"HIREBOT_ATS": "ashby", "ASHBY_API_KEY": "k"}, "missing setting ASHBY_WEBHOOK_SECRET"),
        (
            {
                "HIREBOT_ATS": "greenhouse",
                "GREENHOUSE_CLIENT_ID": "id",
                "GREENHOUSE_CLIENT_SECRET": "s",
            },
            "missing setting HIREBOT_ATS_PANEL_STAGES",
        ),
        ({"ASHBY_API_URL": "ftp://x"}, "invalid setting ASHBY_API_URL"),
        ({"HIREBOT_ATS_SYNC_INTERVAL": "never"}, "invalid setting HIREBOT_ATS_SYNC_INTERVAL"),
    ],
)
def test_ats_settings_that_are_missing_or_wrong_are_one_line_and_exit_2(values, says):
    result = run_cli("serve", env=env(SLACK_BOT_TOKEN="xoxb-1", SLACK_SIGNING_SECRET="s", **values))
    assert result.returncode == 2, result.stderr
    assert says in result.stderr and len(result.stderr.strip().splitlines()) == 1


def test_ats_sync_needs_an_ats():
    result = run_cli("ats", "sync", env=env(SLACK_BOT_TOKEN="xoxb-1"))
    assert result.returncode == 2
    assert "HIREBOT_ATS" in result.stderr


def test_ats_sync_in_a_teams_only_deployment_asks_for_teams_settings_not_slacks():
    teams_app = "00000000-0000-4000-8000-00000000b07a"
    result = run_cli(
        "ats",
        "sync",
        env=env(
            HIREBOT_ATS="greenhouse",
            GREENHOUSE_CLIENT_ID="id",
            GREENHOUSE_CLIENT_SECRET="s",
            HIREBOT_ATS_PANEL_STAGES="Onsite",
            TEAMS_APP_ID=teams_app,
            TEAMS_APP_PASSWORD="",
        ),
    )
    assert result.returncode == 2, result.stderr
    assert "missing setting TEAMS_APP_PASSWORD (required for ats sync)" in result.stderr
    assert "SLACK_BOT_TOKEN" not in result.stderr


async def test_ats_sync_as_a_process_brings_a_greenhouse_panel_to_slack(tmp_path):
    slack = seed(FakeSlack())
    gh = FakeGreenhouse()
    await slack.start()
    await gh.start()
    try:
        users = seed_cast(gh)
        application = gh.add_application(
            first="Grace",
            last="Hopper",
            job="Staff Compiler Engineer",
            description_html="<p>Compilers.</p>",
            hiring_team={
                "hiring_managers": [users["hank@acme.example"]],
                "recruiters": [users["rita@acme.example"]],
            },
            resume=("grace.pdf", b"%PDF grace"),
        )
        onsite = gh.add_job_interview(application, "Onsite", "Panel")
        now = datetime.now(UTC)
        gh.schedule(
            application,
            onsite,
            now + timedelta(days=2),
            60,
            [users["pat@acme.example"]],
            organizer=users["cora@acme.example"],
            at=now,
        )
        url = f"sqlite:///{tmp_path / 'cli.db'}"
        variables = {
            **{
                k: v
                for k, v in os.environ.items()
                if not k.startswith(("SLACK_", "HIREBOT_", *ATS_ENV))
            },
            "DATABASE_URL": url,
            "SLACK_BOT_TOKEN": "xoxb-cli",
            "SLACK_API_URL": slack.base_url,
            "HIREBOT_ATS": "greenhouse",
            "HIREBOT_ATS_PANEL_STAGES": "Onsite",
            "GREENHOUSE_CLIENT_ID": CLIENT_ID,
            "GREENHOUSE_CLIENT_SECRET": CLIENT_SECRET,
            "GREENHOUSE_API_URL": gh.base_url,
            "GREENHOUSE_TOKEN_URL": gh.token_url,
        }

        async def cli(*args: str) -> tuple[int, str]:
            process = await asyncio.create_subprocess_exec(
                sys.executable,
                "-m",
                "bot.cli",
                *args,
                env=variables,
                stdout=asyncio.subprocess.PIPE,
                stderr=asyncio.subprocess.STDOUT,
                stdin=asyncio.subprocess.DEVNULL,
            )
            out, _ = await asyncio.wait_for(process.communicate(), 60)
            return process.returncode or 0, out.decode()

        assert (await cli("db", "upgrade"))[0] == 0
        code, out = await cli("ats", "sync")
        assert code == 0, out
        assert "1 interview(s) seen: 1 new panel(s)" in out
        assert CLIENT_SECRET not in out and "Bearer" not in out  # no secret reaches the log
        assert any("P-1" in m["text"] for m in slack.dms_to(PEER))
        files = [f for f in slack.files_in(dm_channel(PEER)) if f["name"] == "grace.pdf"]
        assert [f["bytes"] for f in files] == [b"%PDF grace"]
        code, out = await cli("ats", "sync")  # nothing new: nothing twice
        assert code == 0 and "1 unchanged" in out
        assert len([m for m in slack.dms_to(PEER) if "Prep packet" in m["text"]]) == 1
    finally:
        await gh.stop()
        await slack.stop()


@pytest.mark.parametrize("source", ["ashby", "greenhouse"])
async def test_demo_ats_shows_a_panel_arriving_and_feedback_going_back(source, capsys):
    assert await run_ats_demo(source) == 0
    out = " ".join(capsys.readouterr().out.split())
    assert "Covered already" in out and "Tell me about yourself" in out
    assert "Ada Lovelace - CV.pdf" in out
    assert "nora@contractor.example" in out
    if source == "ashby":
        assert "Ashby received applicationFeedback.submit" in out
        assert "questions_asked: How would you backfill a year of events?" in out
    else:
        assert "Write your scorecard in Greenhouse" in out


async def test_serve_syncs_greenhouse_on_its_own_tick_and_stops_cleanly(tmp_path):
    import signal
    import socket

    import httpx

    slack = seed(FakeSlack())
    gh = FakeGreenhouse()
    await slack.start()
    await gh.start()
    try:
        users = seed_cast(gh)
        application = gh.add_application(
            first="Grace",
            last="Hopper",
            job="Staff Compiler Engineer",
            description_html="<p>Compilers.</p>",
            hiring_team={"coordinators": [users["cora@acme.example"]]},
            resume=("grace.pdf", b"%PDF grace"),
        )
        onsite = gh.add_job_interview(application, "Onsite", "Panel")
        now = datetime.now(UTC)
        gh.schedule(
            application,
            onsite,
            now + timedelta(days=2),
            60,
            [users["pat@acme.example"]],
            organizer=None,
            at=now,
        )
        with socket.socket() as s:
            s.bind(("127.0.0.1", 0))
            port = s.getsockname()[1]
        variables = {
            **{
                k: v
                for k, v in os.environ.items()
                if not k.startswith(("SLACK_", "HIREBOT_", *ATS_ENV))
            },
            "DATABASE_URL": f"sqlite:///{tmp_path / 'serve.db'}",
            "SLACK_BOT_TOKEN": "xoxb-serve",
            "SLACK_SIGNING_SECRET": "secret",
            "SLACK_API_URL": slack.base_url,
            "PORT": str(port),
            "HIREBOT_ATS": "greenhouse",
            "HIREBOT_ATS_PANEL_STAGES": "onsite",  # any case
            "GREENHOUSE_CLIENT_ID": CLIENT_ID,
            "GREENHOUSE_CLIENT_SECRET": CLIENT_SECRET,
            "GREENHOUSE_API_URL": gh.base_url,
            "GREENHOUSE_TOKEN_URL": gh.token_url,
        }
        process = await asyncio.create_subprocess_exec(
            sys.executable,
            "-m",
            "bot.cli",
            "serve",
            env=variables,
            stdout=asyncio.subprocess.PIPE,
            stderr=asyncio.subprocess.STDOUT,
            stdin=asyncio.subprocess.DEVNULL,
        )
        try:
            for _ in range(150):
                await asyncio.sleep(0.1)
                if [f for f in slack.files_in(dm_channel(PEER)) if f["name"] == "grace.pdf"]:
                    break
            else:
                raise AssertionError("serve's first sync did not bring the panel")
            async with httpx.AsyncClient() as client:
                health = await client.get(f"http://127.0.0.1:{port}/healthz")
            assert health.status_code == 200
        finally:
            process.send_signal(signal.SIGTERM)
            out, _ = await asyncio.wait_for(process.communicate(), 40)
        assert process.returncode == 0, out.decode()[-2000:]
        assert "Greenhouse sync: 1 interview(s) seen: 1 new panel(s)" in out.decode()
        assert CLIENT_SECRET not in out.decode()
    finally:
        await gh.stop()
        await slack.stop()
