"""teams/manifest.json and ``hirebot teams package``: valid against Teams' manifest schema."""

from __future__ import annotations

import json
import struct
import zipfile
from pathlib import Path

import pytest

from bot.cli import main
from bot.teams.package import TEMPLATE_DIR

SCHEMA_PATH = (
    Path(__file__).resolve().parents[2].parent
    / "shared"
    / "specs"
    / "teams-app-manifest.schema.1.22.json"
)
APP_ID = "3f1e0c2a-1111-4222-8333-444455556666"


def _validate(manifest: dict) -> None:
    if not SCHEMA_PATH.is_file():
        pytest.skip(f"Teams app-manifest schema not found at {SCHEMA_PATH}")
    jsonschema = pytest.importorskip("jsonschema")
    schema = json.loads(SCHEMA_PATH.read_text(encoding="utf-8"))
    validator = jsonschema.Draft7Validator(schema, format_checker=jsonschema.FormatChecker())
    problems = [f"{list(e.path)}: {e.message}" for e in validator.iter_errors(manifest)]
    assert problems == []


def _png_size(data: bytes) -> tuple[int, int]:
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    return struct.unpack(">II", data[16:24])


def test_the_manifest_in_the_repository_is_valid_and_offers_the_commands():
    manifest = json.loads((TEMPLATE_DIR / "manifest.json").read_text(encoding="utf-8"))
    _validate(manifest)
    bot = manifest["bots"][0]
    assert bot["scopes"] == ["personal"]
    titles = [c["title"] for c in bot["commandLists"][0]["commands"]]
    assert titles == [
        "home",
        "new",
        "list",
        "status",
        "reschedule",
        "cancel",
        "stalled",
        "history",
        "help",
    ]
    # The personal app opens on the chat, where the home card lives (and an About tab).
    assert [t["entityId"] for t in manifest["staticTabs"]] == ["conversations", "about"]
    assert _png_size((TEMPLATE_DIR / "color.png").read_bytes()) == (192, 192)
    assert _png_size((TEMPLATE_DIR / "outline.png").read_bytes()) == (32, 32)


def test_package_writes_the_zip_with_this_deployments_ids(tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)  # no stray .env
    monkeypatch.setenv("TEAMS_APP_ID", APP_ID)
    out = tmp_path / "hirebot.zip"
    assert main(["teams", "package", "--domain", "hirebot.contoso.com", "--out", str(out)]) == 0
    with zipfile.ZipFile(out) as archive:
        assert sorted(archive.namelist()) == ["color.png", "manifest.json", "outline.png"]
        manifest = json.loads(archive.read("manifest.json"))
    _validate(manifest)
    assert manifest["id"] == APP_ID and manifest["bots"][0]["botId"] == APP_ID
    assert manifest["validDomains"] == ["hirebot.contoso.com"]
    assert manifest["developer"]["privacyUrl"] == "https://hirebot.contoso.com/privacy"
    assert "wrote" in capsys.readouterr().out


def test_package_without_the_app_id_or_with_a_bad_domain_says_so_in_one_line(
    tmp_path, monkeypatch, capsys
):
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("TEAMS_APP_ID", raising=False)
    assert main(["teams", "package", "--domain", "hirebot.contoso.com"]) == 2
    assert (
        capsys.readouterr().err.strip()
        == "hirebot: missing setting TEAMS_APP_ID (required for teams package)"
    )
    monkeypatch.setenv("TEAMS_APP_ID", APP_ID)
    assert main(["teams", "package", "--domain", "not a domain"]) == 2
    assert "--domain" in capsys.readouterr().err
    assert not (tmp_path / "hirebot-teams.zip").exists()
