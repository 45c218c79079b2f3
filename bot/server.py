"""The one ASGI app ``hirebot serve`` runs: Slack's endpoint, a health check and metrics."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager

from slack_bolt.adapter.starlette.async_handler import AsyncSlackRequestHandler
from slack_bolt.async_app import AsyncApp
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from bot.slack.app import Services
from scheduling.outbox_stats import outbox_lag, outbox_stats

log = logging.getLogger(__name__)

Hook = Callable[[], Awaitable[None]]


def create_asgi(
    app: AsyncApp,
    services: Services,
    *,
    http_events: bool = True,
    on_startup: list[Hook] | None = None,
    on_shutdown: list[Hook] | None = None,
) -> Starlette:
    """``POST /slack/events`` (unless Slack talks over Socket Mode), ``GET /healthz`` and
    ``GET /metrics`` (Prometheus)."""
    handler = AsyncSlackRequestHandler(app)

    async def slack_events(request: Request) -> Response:
        return await handler.handle(request)

    async def healthz(_request: Request) -> Response:
        database = await services.db.ping()
        now = services.clock.now()
        body: dict[str, object] = {
            "status": "ok" if database else "degraded",
            "database": "reachable" if database else "unreachable",
            "dialect": services.db.dialect,
            "time": now.isoformat(),
            "outbox_lag_seconds": None,
        }
        if database:
            async with services.db.session() as session:
                body["outbox_lag_seconds"] = round(await outbox_lag(session, now), 3)
        return JSONResponse(body, status_code=200 if database else 503)

    async def metrics(_request: Request) -> Response:
        # Without the database the in-process counters still go out: an outage is exactly
        # when an operator wants to see the retries and failures.
        stats = None
        try:
            async with services.db.session() as session:
                stats = await outbox_stats(session, services.clock.now())
        except Exception as exc:
            log.warning("metrics without the outbox: %s", str(exc).splitlines()[0])
        content, content_type = services.metrics.exposition(stats)
        return Response(content, media_type=content_type)

    @asynccontextmanager
    async def lifespan(_app: Starlette) -> AsyncIterator[None]:
        for hook in on_startup or []:
            await hook()
        try:
            yield
        finally:
            for hook in on_shutdown or []:
                try:  # one failing hook must not keep the pools below it open
                    await hook()
                except Exception:
                    log.exception("shutdown step %s failed", getattr(hook, "__qualname__", hook))

    routes = [
        Route("/healthz", healthz, methods=["GET"]),
        Route("/metrics", metrics, methods=["GET"]),
    ]
    if http_events:
        routes.append(Route("/slack/events", slack_events, methods=["POST"]))
    return Starlette(routes=routes, lifespan=lifespan)
