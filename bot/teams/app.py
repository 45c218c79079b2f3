"""Teams' routes on the one ASGI app, with every Teams listener attached (as ``bot.slack.app``
builds the Bolt app): ``POST /api/messages`` and ``GET /files/{token}/{name}``."""

from __future__ import annotations

from typing import Any

from starlette.routing import Route


def teams_routes(services: Any) -> list[Route]:
    from handlers.teams.listeners import TeamsHandlers  # handlers import bot.*, not the reverse

    runtime = services.teams
    if runtime.handlers is None:
        runtime.handlers = TeamsHandlers(services, runtime)
    return [runtime.route(), runtime.file_route()]
