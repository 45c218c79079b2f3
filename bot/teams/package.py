"""``hirebot teams package``: the zip a Teams administrator uploads (manifest and two icons).

The manifest in the repository (``teams/manifest.json``) names placeholder ids and the example
domain; the package carries this deployment's: the bot's app id (``TEAMS_APP_ID``, also used
as the Teams app's id unless ``--app-id`` names another) and the public host HireBot is served
on (``--domain``), which Teams needs among ``validDomains`` for the links HireBot sends.
"""

from __future__ import annotations

import json
import re
import zipfile
from pathlib import Path
from typing import Any

TEMPLATE_DIR = Path(__file__).resolve().parents[2] / "teams"
ICONS = ("color.png", "outline.png")
PLACEHOLDER = "00000000-0000-0000-0000-000000000000"
DOMAIN = re.compile(r"(\*\.)?([a-z0-9-]+\.)+[a-z]{2,}(:\d+)?", re.IGNORECASE)


class PackageError(ValueError):
    pass


def manifest_for(
    bot_id: str, domain: str, *, app_id: str | None = None, version: str | None = None
) -> dict[str, Any]:
    manifest = json.loads((TEMPLATE_DIR / "manifest.json").read_text(encoding="utf-8"))
    domain = domain.strip().removeprefix("https://").rstrip("/")
    if not DOMAIN.fullmatch(domain):
        raise PackageError(f"--domain must be a host name like hirebot.example.com, not {domain!r}")
    manifest["id"] = app_id or bot_id
    for bot in manifest["bots"]:
        bot["botId"] = bot_id
    manifest["validDomains"] = [domain]
    for key in ("websiteUrl", "privacyUrl", "termsOfUseUrl"):
        manifest["developer"][key] = manifest["developer"][key].replace(
            "hirebot.example.com", domain
        )
    if version:
        manifest["version"] = version
    return manifest


def write_package(path: Path, manifest: dict[str, Any]) -> Path:
    """The manifest and icons at the zip's root, as Teams wants them (no folder)."""
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("manifest.json", json.dumps(manifest, indent=2, ensure_ascii=False))
        for icon in ICONS:
            archive.write(TEMPLATE_DIR / icon, icon)
    return path
