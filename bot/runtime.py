"""``hirebot serve``: upgrade the schema, then run the ASGI app (and Socket Mode if asked).

SIGTERM (and Ctrl-C) stop it cleanly: uvicorn's graceful shutdown runs the lifespan's shutdown
hooks (stop ticking, let sends in flight finish and put back what was claimed but not started,
close Socket Mode, close the database pools), then ``serve`` returns and the process exits 0.
"""

from __future__ import annotations

import contextlib
import gc
import logging
import signal
import sys
from collections.abc import Iterator
from types import FrameType

import uvicorn

from bot.clock import SystemClock
from bot.config import Settings
from bot.db import Database
from bot.server import create_asgi
from bot.services import build_services
from bot.slack.app import build_app
from scheduling.runner import DispatchRunner

log = logging.getLogger("hirebot")

STOP_SIGNALS = (signal.SIGINT, signal.SIGTERM)
#: How long open HTTP requests may take to finish once a stop is asked for.
HTTP_GRACE_SECONDS = 10


class _Server(uvicorn.Server):
    """uvicorn's server, without its habit of re-raising the stop signal after its graceful
    shutdown: that made ``hirebot serve`` die *by* SIGTERM (exit -15), which orchestrators
    read as a crash. The signal only asks for the same graceful shutdown; a second Ctrl-C
    still forces it."""

    @contextlib.contextmanager
    def capture_signals(self) -> Iterator[None]:
        previous = {sig: signal.signal(sig, self.handle_exit) for sig in STOP_SIGNALS}
        try:
            yield
        finally:
            for sig, handler in previous.items():
                signal.signal(sig, handler)

    def handle_exit(self, sig: int, frame: FrameType | None) -> None:
        if not self.should_exit:
            log.info("%s: stopping after the sends in flight", signal.Signals(sig).name)
        super().handle_exit(sig, frame)


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
    # Slack is served when its token is set; a Teams-only deployment has no Bolt app at all.
    app = build_app(services) if settings.slack_bot_token else None
    runner = DispatchRunner(services.dispatcher, clock, settings.dispatch_interval)
    # The Slack clients' HTTP sessions open first and close after the last send.
    startup, shutdown = [services.slack.open, runner.start], [runner.stop]
    if services.ats is not None:
        from bot.ats.runner import AtsRunner

        ats = AtsRunner(services.ats, settings.ats_sync_interval, settings.dispatch_interval)
        startup.append(ats.start)
        shutdown.insert(0, ats.stop)
    socket_mode = bool(settings.slack_app_token)
    if socket_mode and app is not None:
        from slack_bolt.adapter.socket_mode.async_handler import AsyncSocketModeHandler

        socket = AsyncSocketModeHandler(app, settings.slack_app_token)
        startup.append(socket.connect_async)
        shutdown.append(socket.close_async)
    shutdown += [services.slack.close, db.dispose]
    asgi = create_asgi(
        app,
        services,
        http_events=app is not None and not socket_mode,
        on_startup=startup,
        on_shutdown=shutdown,
    )
    log.info(
        "HireBot listening on port %s (%s), database %s",
        settings.port,
        "Socket Mode" if socket_mode else "HTTP",
        db.dialect,
    )
    config = uvicorn.Config(
        asgi,
        host="0.0.0.0",
        port=settings.port,
        log_level="warning",
        log_config=None,  # uvicorn logs through our handlers (and JSON format, if chosen)
        timeout_graceful_shutdown=HTTP_GRACE_SECONDS,
    )
    settle_garbage_collector()
    await _Server(config).serve()
    return 0


#: Allocations between two young-generation collections (CPython's default is 700). A request
#: allocates thousands of short-lived objects; at 700 the collector ran several times per
#: request, each time also walking what had survived.
GC_YOUNG_THRESHOLD = 10_000


def settle_garbage_collector() -> None:
    """Once start-up has built what lives as long as the process (modules, the app, the
    statements built once), move it out of the collector's sight (``gc.freeze``), and collect
    the young generation less often. Garbage is still collected; less is walked to find it."""
    gc.collect()
    gc.freeze()
    _, older, oldest = gc.get_threshold()
    gc.set_threshold(GC_YOUNG_THRESHOLD, older, oldest)
