"""Teams' settings: a missing or malformed one is one line naming it, exit 2."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

from bot.config import SettingsError, load_settings

APP_ID = "3f1e0c2a-1111-4222-8333-444455556666"


@pytest.mark.parametrize(
    ("name", "value", "says"),
    [
        ("TEAMS_APP_ID", "hirebot", "invalid setting TEAMS_APP_ID: must be a GUID"),
        ("TEAMS_TENANT_ID", "contoso.onmicrosoft.com", "invalid setting TEAMS_TENANT_ID"),
        (
            "TEAMS_LOGIN_URL",
            "http://login.example",
            "invalid setting TEAMS_LOGIN_URL: must be an https URL",
        ),
        ("TEAMS_OPENID_METADATA_URL", "ftp://x", "invalid setting TEAMS_OPENID_METADATA_URL"),
        ("GRAPH_API_URL", "graph", "invalid setting GRAPH_API_URL"),
        (
            "HIREBOT_COORDINATORS",
            "UCOORD01,not-a-guid",
            "not a Slack user ID or an Azure AD object id",
        ),
        ("TEAMS_TENANT_RATE", "0", "invalid setting TEAMS_TENANT_RATE: Input should be greater"),
        ("TEAMS_TENANT_RATE", "fast", "invalid setting TEAMS_TENANT_RATE: Input should be a"),
    ],
)
def test_malformed_teams_settings_name_themselves(monkeypatch, tmp_path, name, value, says):
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv(name, value)
    with pytest.raises(SettingsError) as error:
        load_settings()
    assert says in str(error.value) and "\n" not in str(error.value)


def test_teams_settings_are_read(monkeypatch, tmp_path):
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("TEAMS_APP_ID", APP_ID.upper())
    monkeypatch.setenv("HIREBOT_COORDINATORS", f"UCOORD01, {APP_ID.upper()}")
    monkeypatch.setenv("GRAPH_API_URL", "https://graph.contoso.test/v1.0")
    s = load_settings()
    assert s.teams_enabled and s.teams_app_id == APP_ID
    assert s.is_coordinator(APP_ID) and s.is_coordinator("UCOORD01")
    assert s.graph_api_url == "https://graph.contoso.test/v1.0/"
    assert s.teams_login_url == "https://login.microsoftonline.com"
    assert s.teams_tenant_rate == 50  # Microsoft's limit per app per tenant


def test_the_tenant_rate_can_be_lowered_for_several_replicas(monkeypatch, tmp_path):
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("TEAMS_TENANT_RATE", "12.5")
    assert load_settings().teams_tenant_rate == 12.5


def run_cli(tmp_path, *args: str, env: dict[str, str]) -> subprocess.CompletedProcess:
    clean = {
        k: v for k, v in os.environ.items() if not k.startswith(("SLACK_", "HIREBOT_", "TEAMS_"))
    }
    return subprocess.run(
        [sys.executable, "-m", "bot.cli", *args],
        env={**clean, **env, "DATABASE_URL": f"sqlite:///{tmp_path}/h.db"},
        capture_output=True,
        text=True,
        timeout=60,
        cwd=tmp_path,
        stdin=subprocess.DEVNULL,
    )


def test_serve_with_teams_half_configured_is_one_line_and_exit_2(tmp_path):
    result = run_cli(tmp_path, "serve", env={"TEAMS_APP_ID": APP_ID})
    assert result.returncode == 2
    assert result.stderr == "hirebot: missing setting TEAMS_APP_PASSWORD (required for Teams)\n"
    result = run_cli(
        tmp_path,
        "serve",
        env={"TEAMS_APP_ID": APP_ID, "TEAMS_APP_PASSWORD": "s", "TEAMS_LOGIN_URL": "http://x"},
    )
    assert result.returncode == 2
    assert result.stderr == "hirebot: invalid setting TEAMS_LOGIN_URL: must be an https URL\n"


def test_serve_with_a_bad_tenant_rate_is_one_line_and_exit_2(tmp_path):
    result = run_cli(
        tmp_path,
        "serve",
        env={"TEAMS_APP_ID": APP_ID, "TEAMS_APP_PASSWORD": "s", "TEAMS_TENANT_RATE": "-5"},
    )
    assert result.returncode == 2
    assert result.stderr == (
        "hirebot: invalid setting TEAMS_TENANT_RATE: Input should be greater than 0\n"
    )
