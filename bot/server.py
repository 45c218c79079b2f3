"""The one ASGI app ``hirebot serve`` runs: Slack's endpoint, a health check and metrics."""

from __future__ import annotations

import json
import logging
import time
from collections.abc import AsyncIterator, Awaitable, Callable, Mapping, Sequence
from contextlib import asynccontextmanager
from urllib.parse import parse_qs

from slack_bolt.adapter.starlette.async_handler import AsyncSlackRequestHandler
from slack_bolt.async_app import AsyncApp
from slack_sdk.signature import SignatureVerifier
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, PlainTextResponse, Response
from starlette.routing import Route

from bot.services import Services
from scheduling.outbox_stats import outbox_lag, outbox_stats

log = logging.getLogger(__name__)

Hook = Callable[[], Awaitable[None]]


def create_asgi(
    app: AsyncApp | None,
    services: Services,
    *,
    http_events: bool = True,
    on_startup: Sequence[Hook] = (),
    on_shutdown: Sequence[Hook] = (),
) -> Starlette:
    """``POST /slack/events`` (unless Slack talks over Socket Mode), ``GET /healthz`` and
    ``GET /metrics`` (Prometheus)."""
    handler = AsyncSlackRequestHandler(app) if app is not None else None
    secret = services.settings.slack_signing_secret

    async def slack_events(request: Request) -> Response:
        body = (await request.body()).decode("utf-8", errors="replace")
        refused = refuse(secret, request.headers, body)
        if refused is not None:
            return refused
        assert handler is not None
        return await handler.handle(request)

    async def healthz(_request: Request) -> Response:
        """200 only when the schema is there and a write would succeed (tried, rolled back)."""
        problem = await services.db.health()
        now = services.clock.now()
        body: dict[str, object] = {
            "status": "ok" if problem is None else "degraded",
            # The contract's values; "reachable" now also means the schema is there and writable.
            "database": "reachable" if problem is None else "unreachable",
            "writable": problem is None,
            "dialect": services.db.dialect,
            "time": now.isoformat(),
            "outbox_lag_seconds": None,
        }
        if problem is not None:
            body["problem"] = problem
            log.warning("health check: the database is unavailable: %s", problem)
        else:
            async with services.db.session() as session:
                body["outbox_lag_seconds"] = round(await outbox_lag(session, now), 3)
        return JSONResponse(body, status_code=200 if problem is None else 503)

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
        for hook in on_startup:
            await hook()
        try:
            yield
        finally:
            for hook in on_shutdown:
                try:  # one failing hook must not keep the pools below it open
                    await hook()
                except Exception:
                    log.exception("shutdown step %s failed", getattr(hook, "__qualname__", hook))

    routes = [
        Route("/healthz", healthz, methods=["GET"]),
        Route("/metrics", metrics, methods=["GET"]),
    ]
    if http_events and handler is not None:
        routes.append(Route("/slack/events", slack_events, methods=["POST"]))
    teams = services.teams
    if teams is not None:  # TEAMS_APP_ID is set: Bot Framework posts to /api/messages
        from bot.teams.app import teams_routes

        routes.extend(teams_routes(services))
        on_startup = [teams.start, *(on_startup or [])]
        on_shutdown = [*(on_shutdown or []), teams.stop]
    ats = services.ats
    if ats is not None and ats.connector.name == "ashby" and services.settings.ashby_webhook_secret:
        from bot.ats.webhooks import ashby_route

        ashby_secret = services.settings.ashby_webhook_secret.get_secret_value()
        routes.append(ashby_route(ats, ashby_secret))
    return Starlette(routes=routes, lifespan=lifespan)


#: How far a request's timestamp may be from now (Slack's own advice: five minutes).
MAX_CLOCK_SKEW = 60 * 5


def refuse(secret: str | None, headers: Mapping[str, str], body: str) -> Response | None:
    """Check a request to ``/slack/events`` before Bolt parses anything: a missing, malformed or
    wrong signature gets 401, a signed body Slack would never send gets 400, each with one log
    line. None: the request may go on to Bolt (which checks the signature again)."""
    timestamp = headers.get("x-slack-request-timestamp", "")
    signature = headers.get("x-slack-signature", "")
    if secret is not None:
        if not timestamp.isascii() or not timestamp.isdigit():
            log.warning("refused a Slack request: malformed timestamp %r", timestamp[:40])
            return PlainTextResponse("invalid request", status_code=401)
        if abs(time.time() - int(timestamp)) > MAX_CLOCK_SKEW:
            log.warning("refused a Slack request: stale timestamp %s", timestamp)
            return PlainTextResponse("invalid request", status_code=401)
        verifier = SignatureVerifier(secret)
        if not verifier.is_valid(body=body, timestamp=timestamp, signature=signature):
            log.warning("refused a Slack request: bad signature")
            return PlainTextResponse("invalid request", status_code=401)
    problem = malformed(headers.get("content-type", ""), body)
    if problem:
        log.warning("refused a signed Slack request: %s", problem)
        return PlainTextResponse("bad request", status_code=400)
    return None


def malformed(content_type: str, body: str) -> str | None:
    """Why a body is not something Slack sends (a JSON object, or a form whose ``payload`` is
    one), or None."""
    if content_type.startswith("application/json"):
        try:
            return None if isinstance(json.loads(body or "{}"), dict) else "JSON that is no object"
        except ValueError:
            return "malformed JSON"
    payload = parse_qs(body, keep_blank_values=True).get("payload")
    if payload:
        try:
            if not isinstance(json.loads(payload[0]), dict):
                return "a payload that is no object"
        except ValueError:
            return "malformed payload JSON"
    return None
