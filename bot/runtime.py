"""``hirebot serve``: upgrade the schema, then run the ASGI app (and Socket Mode if asked)."""

from __future__ import annotations

import logging
import sys

import uvicorn

from bot.clock import SystemClock
from bot.config import Settings
from bot.db import Database
from bot.server import create_asgi
from bot.slack.app import build_app, build_services
from scheduling.runner import DispatchRunner

log = logging.getLogger("hirebot")


async def serve(settings: Settings) -> int:
    if settings.clock_offset:
        log.warning(
            "HIREBOT_CLOCK_OFFSET is set: this process runs %s ahead of the wall clock",
            settings.clock_offset,
        )
    db = Database(settings.database_url)
    try:
        await db.upgrade()
    except Exception as exc:
        print(f"hirebot: cannot open the database at DATABASE_URL: {exc}", file=sys.stderr)
        await db.dispose()
        return 1
    clock = SystemClock(settings.clock_offset)
    services = build_services(settings, clock, db)
    app = build_app(services)
    runner = DispatchRunner(services.dispatcher, clock, settings.dispatch_interval)
    startup, shutdown = [runner.start], [runner.stop]
    socket_mode = bool(settings.slack_app_token)
    if socket_mode:
        from slack_bolt.adapter.socket_mode.async_handler import AsyncSocketModeHandler

        socket = AsyncSocketModeHandler(app, settings.slack_app_token)
        startup.append(socket.connect_async)
        shutdown.append(socket.close_async)
    shutdown.append(db.dispose)
    asgi = create_asgi(
        app, services, http_events=not socket_mode, on_startup=startup, on_shutdown=shutdown
    )
    log.info(
        "HireBot listening on port %s (%s), database %s",
        settings.port,
        "Socket Mode" if socket_mode else "HTTP",
        db.dialect,
    )
    config = uvicorn.Config(asgi, host="0.0.0.0", port=settings.port, log_level="warning")
    await uvicorn.Server(config).serve()
    return 0
