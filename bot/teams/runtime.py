"""Teams in the one ASGI app: the SDK's app on ``POST /api/messages``, behind HireBot's check.

The Teams SDK (``microsoft_teams.apps.App``) registers its messaging endpoint through an HTTP
server adapter; ``StarletteAdapter`` turns that into a Starlette route on the app ``hirebot
serve`` already runs. Every request is validated by ``InboundValidator`` first (keys in memory,
fetched asynchronously): a bad token is answered 401 before the SDK parses anything. The SDK's
own validator (a blocking key fetch on the request path) is replaced by one that accepts only
the token HireBot has just validated for this very request.
"""

from __future__ import annotations

import asyncio
import contextvars
import json
import logging
from dataclasses import dataclass, field
from typing import Any

import httpx
from starlette.requests import Request
from starlette.responses import JSONResponse, PlainTextResponse, Response
from starlette.routing import Route

from bot.clock import Clock
from bot.config import Settings, SettingsError
from bot.db import Database
from bot.home.service import HomeService
from bot.teams.auth import InboundValidator, Unauthorized
from bot.teams.connector import Connector
from bot.teams.files import SharedFiles
from bot.teams.graph import GraphDirectory
from bot.teams.history import ChatHistory
from bot.teams.home import TeamsHome
from bot.teams.http import make_http
from bot.teams.pacing import TenantLimiter
from bot.teams.platform import TeamsPlatform
from bot.teams.references import References
from bot.teams.tokens import ClientCredentialsTokens

log = logging.getLogger(__name__)

ENDPOINT = "/api/messages"
MAX_BODY = 1024 * 1024

_validated: contextvars.ContextVar[str | None] = contextvars.ContextVar("_validated", default=None)


def accepted_by_sdk(activity: dict[str, Any]) -> dict[str, Any]:
    """The activity as the SDK's models accept it.

    Teams sends ``"trigger": "automatic"`` with the ``adaptiveCard/action`` invoke of a card's
    refresh (Microsoft's Universal Actions docs); the SDK (2.1) models the trigger as
    ``"manual"`` only and refuses the whole activity, which Teams would see as a 500 and the
    card would never refresh. HireBot doesn't read the trigger, so it is left out."""
    if activity.get("type") != "invoke" or activity.get("name") != "adaptiveCard/action":
        return activity
    value = activity.get("value")
    if isinstance(value, dict) and value.get("trigger") not in (None, "manual"):
        value = {k: v for k, v in value.items() if k != "trigger"}
        return {**activity, "value": value}
    return activity


class _AlreadyValidated:
    """Stands in for the SDK's validator: HireBot validated this request's token already."""

    async def validate_token(self, raw_token: str, service_url: str | None = None) -> dict:
        import jwt

        if not raw_token or raw_token != _validated.get():
            raise jwt.InvalidTokenError("not validated by HireBot")
        return {}


class StarletteAdapter:
    """The SDK's ``HttpServerAdapter`` for a Starlette app HireBot runs itself."""

    def __init__(self) -> None:
        self.handler: Any = None
        self.path = ENDPOINT

    def register_route(self, method: str, path: str, handler: Any) -> None:
        self.path, self.handler = path, handler

    def serve_static(self, path: str, directory: str) -> None:  # not used
        return None

    async def start(self, port: int) -> None:
        raise NotImplementedError("HireBot serves the app itself (hirebot serve)")

    async def stop(self) -> None:
        return None


@dataclass
class TeamsRuntime:
    settings: Settings
    http: httpx.AsyncClient
    tokens: ClientCredentialsTokens
    validator: InboundValidator
    connector: Connector
    directory: GraphDirectory
    references: References
    platform: TeamsPlatform
    files: SharedFiles
    clock: Clock
    sdk: Any = None
    adapter: StarletteAdapter = field(default_factory=StarletteAdapter)
    handlers: Any = None
    _refresher: asyncio.Task[None] | None = None

    @property
    def app_id(self) -> str:
        assert self.settings.teams_app_id
        return self.settings.teams_app_id

    # ------------------------------------------------------------------ lifecycle
    async def start(self) -> None:
        """Before traffic: the SDK's routing, then the signing keys (async, off the request
        path), then their daily refresh in the background."""
        if self.sdk is None:
            self._build_sdk()
        try:
            await self.validator.refresh()
        except Exception as exc:  # served anyway: the first request fetches them (async)
            log.warning("Teams signing keys not loaded at start: %s", exc)
        self._refresher = asyncio.ensure_future(self.validator.keep_fresh())

    async def stop(self) -> None:
        if self._refresher:
            self._refresher.cancel()
        await self.http.aclose()

    def _build_sdk(self) -> None:
        import warnings

        with warnings.catch_warnings():  # the SDK announces its preview parts on import
            warnings.simplefilter("ignore")
            from microsoft_teams.apps import App

        sdk = App(
            client_id=self.app_id,
            tenant_id=self.settings.teams_tenant_id,
            token=self.tokens.for_sdk,
            http_server_adapter=self.adapter,
            messaging_endpoint=ENDPOINT,
        )
        handlers = self.handlers

        @sdk.on_activity
        async def _route(ctx: Any) -> Any:
            raw = ctx.activity.model_dump(by_alias=True, exclude_none=True, mode="json")
            return await handlers.handle(raw)

        asyncio.get_event_loop()  # the SDK's initialise is async but does no I/O
        self.sdk = sdk

    async def initialise(self) -> None:
        if self.sdk is None:
            self._build_sdk()
        await self.sdk.initialize()
        self.sdk.server._token_validator = _AlreadyValidated()

    # ------------------------------------------------------------------ the endpoint
    def route(self) -> Route:
        async def messages(request: Request) -> Response:
            raw = await request.body()
            if len(raw) > MAX_BODY:
                return PlainTextResponse("too large", status_code=413)
            try:
                activity = json.loads(raw or b"{}")
            except ValueError:
                activity = None
            authorization = request.headers.get("authorization", "")
            if not isinstance(activity, dict):
                # Still 401 without a valid token: nothing is said to strangers.
                status = 401 if not authorization.startswith("Bearer ") else 400
                return PlainTextResponse("bad request", status_code=status)
            try:
                await self.validator.validate(authorization, activity)
            except Unauthorized as exc:
                log.warning("refused a Teams request: %s", exc)
                return JSONResponse({"error": "Unauthorized"}, status_code=401)
            if self.adapter.handler is None:
                await self.initialise()
            activity = accepted_by_sdk(activity)
            token = _validated.set(authorization.removeprefix("Bearer ").strip())
            try:
                answer = await self.adapter.handler(
                    {"body": activity, "headers": {"authorization": authorization}}
                )
            finally:
                _validated.reset(token)
            body = answer.get("body")
            status = int(answer.get("status") or 200)
            if body is None:
                return Response(status_code=status)
            return JSONResponse(body, status_code=status)

        return Route(ENDPOINT, messages, methods=["POST"])

    def file_route(self) -> Route:
        """``GET /files/{token}/{name}``: a shared file until it expires, else 404."""

        async def shared(request: Request) -> Response:
            found = await self.files.find(request.path_params["token"])
            if found is None or found.name != request.path_params["name"]:
                return PlainTextResponse("not found", status_code=404)
            kind = "text/calendar" if found.name.endswith(".ics") else "application/octet-stream"
            return Response(
                found.content,
                media_type=kind,
                headers={
                    "Content-Disposition": f'attachment; filename="{found.name}"',
                    "Cache-Control": "private, no-store",
                },
            )

        return Route("/files/{token}/{name}", shared, methods=["GET"])


def build_teams(settings: Settings, db: Database, clock: Clock, homes: HomeService) -> TeamsRuntime:
    if not settings.teams_app_password:
        raise SettingsError("missing setting TEAMS_APP_PASSWORD (required for Teams)")
    if not settings.teams_tenant_id:
        raise SettingsError("missing setting TEAMS_TENANT_ID (required for Teams)")
    http = make_http()
    assert settings.teams_app_id
    tokens = ClientCredentialsTokens(
        http,
        login_url=settings.teams_login_url,
        tenant_id=settings.teams_tenant_id,
        client_id=settings.teams_app_id,
        client_secret=settings.teams_app_password,
    )
    connector = Connector(
        http,
        tokens,
        tenant_id=settings.teams_tenant_id,
        limiter=TenantLimiter(settings.teams_tenant_rate),
    )
    directory = GraphDirectory(
        http,
        tokens,
        settings.graph_api_url,
        bot_ids=frozenset({settings.teams_app_id, f"28:{settings.teams_app_id}"}),
    )
    references = References(db, settings.teams_tenant_id)
    files = SharedFiles(db, clock, settings.public_url)
    history = ChatHistory(http, tokens, settings.graph_api_url, settings.teams_app_id)
    platform = TeamsPlatform(connector, references, directory, files, history)
    platform.home = TeamsHome(db, clock, settings, homes, platform, references, directory)
    return TeamsRuntime(
        settings=settings,
        http=http,
        tokens=tokens,
        validator=InboundValidator(settings.teams_app_id, settings.teams_openid_metadata_url, http),
        connector=connector,
        directory=directory,
        references=references,
        platform=platform,
        files=files,
        clock=clock,
    )
