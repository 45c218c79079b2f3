"""Settings as the contract names them, and one clear line (exit 2) when one is wrong."""

from __future__ import annotations

import os
import subprocess
import sys
from datetime import time, timedelta

import pytest

from bot.config import SettingsError, load_settings


@pytest.fixture(autouse=True)
def clean_env(monkeypatch, tmp_path):
    for name in list(os.environ):
        if name.startswith(("SLACK_", "HIREBOT_")) or name in ("DATABASE_URL", "PORT"):
            monkeypatch.delenv(name)
    monkeypatch.chdir(tmp_path)  # no stray .env


def test_defaults_match_the_contract():
    s = load_settings()
    assert s.slack_api_url == "https://slack.com/api/"
    assert s.database_url == "sqlite:///./hirebot.db"
    assert s.port == 3000
    assert s.coordinators == frozenset()
    assert s.prep_reminder_lead == timedelta(hours=24)
    assert s.prep_escalation_lead == timedelta(hours=2)
    assert s.feedback_reminder_after == timedelta(hours=24)
    assert s.feedback_escalation_after == timedelta(hours=48)
    assert s.decision_sla == timedelta(hours=48)
    assert s.candidate_update_sla == timedelta(days=3)
    assert s.business_time is True
    assert (s.working_hours.start, s.working_hours.end) == (time(9), time(17))
    assert s.dispatch_interval == timedelta(seconds=10)
    assert s.dispatch_concurrency == 8
    assert s.dispatch_max_attempts == 6
    assert s.clock_offset == timedelta(0)
    assert s.dispatch_lease == timedelta(minutes=1)
    assert s.log_format == "text"


def test_values_from_the_environment_and_dotenv(monkeypatch, tmp_path):
    (tmp_path / ".env").write_text("HIREBOT_DECISION_SLA=P2D\nPORT=4000\n")
    monkeypatch.setenv("HIREBOT_COORDINATORS", "UCOORD01, W0ENTERPRISE")
    monkeypatch.setenv("HIREBOT_PREP_REMINDER_LEAD", "3600")
    monkeypatch.setenv("HIREBOT_WORKING_HOURS", "08:30-18:00")
    monkeypatch.setenv("PORT", "5000")  # the environment beats .env
    monkeypatch.setenv("SLACK_API_URL", "http://127.0.0.1:9999/api")
    s = load_settings()
    assert s.coordinators == {"UCOORD01", "W0ENTERPRISE"}
    assert s.is_coordinator("UCOORD01") and not s.is_coordinator("UOTHER01")
    assert s.prep_reminder_lead == timedelta(hours=1)
    assert s.decision_sla == timedelta(days=2)
    assert s.port == 5000
    assert str(s.working_hours) == "08:30-18:00"
    assert s.slack_api_url == "http://127.0.0.1:9999/api/"


@pytest.mark.parametrize(
    ("name", "value", "says"),
    [
        ("HIREBOT_DISPATCH_CONCURRENCY", "lots", "HIREBOT_DISPATCH_CONCURRENCY"),
        ("HIREBOT_PREP_REMINDER_LEAD", "tomorrow", "HIREBOT_PREP_REMINDER_LEAD"),
        ("HIREBOT_DECISION_SLA", "-PT1H", "HIREBOT_DECISION_SLA"),
        ("HIREBOT_WORKING_HOURS", "17:00-09:00", "the end must be after the start"),
        ("HIREBOT_COORDINATORS", "cora", "not a Slack user ID"),
        ("HIREBOT_BUSINESS_TIME", "perhaps", "HIREBOT_BUSINESS_TIME"),
        ("DATABASE_URL", "mysql://x", "DATABASE_URL"),
        ("PORT", "99999", "PORT"),
        ("HIREBOT_LOG_FORMAT", "xml", "HIREBOT_LOG_FORMAT: Input should be 'text' or 'json'"),
    ],
)
def test_malformed_settings_name_themselves(monkeypatch, name, value, says):
    monkeypatch.setenv(name, value)
    with pytest.raises(SettingsError) as error:
        load_settings()
    assert says in str(error.value) and "\n" not in str(error.value)


def run_cli(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess:
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("SLACK_", "HIREBOT_"))}
    return subprocess.run(
        [sys.executable, "-m", "bot.cli", *args],
        env={**clean, **env},
        capture_output=True,
        text=True,
        timeout=60,
        stdin=subprocess.DEVNULL,
    )


def test_serve_with_a_bad_setting_prints_one_line_and_exits_2(tmp_path):
    result = run_cli("serve", env={"HIREBOT_DISPATCH_INTERVAL": "often"})
    assert result.returncode == 2
    assert result.stderr.strip().splitlines() == [
        result.stderr.strip()
    ] and result.stderr.startswith("hirebot: invalid setting HIREBOT_DISPATCH_INTERVAL")


def test_a_bad_log_format_is_one_line_and_exit_2(tmp_path):
    result = run_cli("nudges", "list", env={"HIREBOT_LOG_FORMAT": "yaml"})
    assert result.returncode == 2
    assert result.stderr == (
        "hirebot: invalid setting HIREBOT_LOG_FORMAT: Input should be 'text' or 'json'\n"
    )


def test_serve_without_credentials_names_the_missing_one(tmp_path):
    result = run_cli("serve", env={"SLACK_BOT_TOKEN": "xoxb-1"})
    assert result.returncode == 2
    assert result.stderr == "hirebot: missing setting SLACK_SIGNING_SECRET (required for serve)\n"


def test_db_upgrade_creates_the_schema(tmp_path):
    url = f"sqlite:///{tmp_path / 'fresh.db'}"
    result = run_cli("db", "upgrade", env={"DATABASE_URL": url})
    assert result.returncode == 0, result.stderr
    import sqlite3

    tables = {
        r[0]
        for r in sqlite3.connect(tmp_path / "fresh.db").execute(
            "SELECT name FROM sqlite_master WHERE type='table'"
        )
    }
    assert {"panels", "panelists", "candidates", "roles", "prior_rounds", "audit_events"} <= tables
    again = run_cli("db", "upgrade", env={"DATABASE_URL": url})
    assert again.returncode == 0  # idempotent


def test_demo_ignores_unrelated_bad_settings(tmp_path):
    result = run_cli("demo", "--quiet", env={"HIREBOT_DISPATCH_INTERVAL": "often"})
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("Demo complete")
