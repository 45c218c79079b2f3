"""manifest.yml: valid against Slack's app-manifest schema and declaring what HireBot needs."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest
import yaml

REPO_ROOT = Path(__file__).resolve().parents[1]
MANIFEST_PATH = REPO_ROOT / "manifest.yml"
SCHEMA_PATH = REPO_ROOT.parent / "shared" / "specs" / "slack-app-manifest.schema.1.0.0.json"

EVENTS_URL = "https://hirebot.example.com/slack/events"
EXPECTED_BOT_SCOPES = {
    "commands",
    "chat:write",
    "im:write",
    "im:history",
    "users:read",
    "users:read.email",
    "files:write",
}


@pytest.fixture(scope="module")
def manifest() -> dict[str, Any]:
    with MANIFEST_PATH.open(encoding="utf-8") as f:
        data = yaml.safe_load(f)
    assert isinstance(data, dict), "manifest.yml must be a YAML mapping"
    return data


def test_manifest_matches_slack_schema(manifest: dict[str, Any]) -> None:
    if not SCHEMA_PATH.is_file():
        pytest.skip(f"Slack app-manifest schema not found at {SCHEMA_PATH}")
    jsonschema = pytest.importorskip("jsonschema")

    schema = json.loads(SCHEMA_PATH.read_text(encoding="utf-8"))
    validator_cls = jsonschema.validators.validator_for(schema)
    validator_cls.check_schema(schema)
    validator = validator_cls(schema, format_checker=validator_cls.FORMAT_CHECKER)

    errors = sorted(validator.iter_errors(manifest), key=lambda e: list(e.absolute_path))
    report = "\n".join(
        f"- {'/'.join(str(p) for p in e.absolute_path) or '<root>'}: {e.message}" for e in errors
    )
    assert not errors, f"manifest.yml does not match {SCHEMA_PATH.name}:\n{report}"


def test_background_color_is_hex(manifest: dict[str, Any]) -> None:
    # The schema spells this constraint "regex", which JSON Schema validators ignore.
    color = manifest["display_information"]["background_color"]
    assert re.fullmatch(r"#[0-9a-fA-F]{3}([0-9a-fA-F]{3})?", color), color


def test_only_slash_command_is_panel(manifest: dict[str, Any]) -> None:
    commands = manifest["features"]["slash_commands"]
    assert [c["command"] for c in commands] == ["/panel"]
    panel = commands[0]
    assert panel["url"] == EVENTS_URL
    assert panel["usage_hint"].strip()
    assert panel["should_escape"] is True


def test_bot_scopes_are_exactly_what_hirebot_uses(manifest: dict[str, Any]) -> None:
    scopes = manifest["oauth_config"]["scopes"]
    bot = scopes["bot"]
    assert len(bot) == len(set(bot)), f"duplicate bot scopes: {bot}"
    assert set(bot) == EXPECTED_BOT_SCOPES
    assert not scopes.get("user"), "HireBot requests no user-token scopes"


def test_app_home_opened_is_subscribed(manifest: dict[str, Any]) -> None:
    events = manifest["settings"]["event_subscriptions"]
    assert "app_home_opened" in events["bot_events"]
    assert events["request_url"] == EVENTS_URL


def test_interactivity_is_enabled(manifest: dict[str, Any]) -> None:
    interactivity = manifest["settings"]["interactivity"]
    assert interactivity["is_enabled"] is True
    assert interactivity["request_url"] == EVENTS_URL
    # the scheduling modal's time-zone picker is an external_select
    assert interactivity["message_menu_options_url"] == EVENTS_URL


def test_home_tab_is_enabled(manifest: dict[str, Any]) -> None:
    app_home = manifest["features"]["app_home"]
    assert app_home["home_tab_enabled"] is True
    assert app_home["messages_tab_enabled"] is True
    assert app_home["messages_tab_read_only_enabled"] is False
    assert manifest["features"]["bot_user"]["display_name"] == "HireBot"
