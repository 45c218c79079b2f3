"""The baseline for ``bench/teams.py``: a bare Teams SDK app that answers every message.

The same stack as ``hirebot serve`` (Starlette, uvicorn with the same options, the SDK's ``App``
behind an HTTP server adapter), with the SDK's own inbound token validation on (its signing
keys from the fake's metadata, fetched the SDK's way) and its own reply path: ``ctx.send`` of
one line of text through the SDK's API client to the fake connector. So the difference in
answer time is what HireBot itself adds (its token check, parsing, the database, rendering a
card and checking it).

Reads ``TEAMS_APP_ID``, ``TEAMS_APP_PASSWORD``, ``TEAMS_TENANT_ID``,
``TEAMS_OPENID_METADATA_URL``, ``TEAMS_LOGIN_URL`` and ``PORT``.
"""

from __future__ import annotations

import os
import warnings

import httpx
import uvicorn
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from bot.teams.runtime import StarletteAdapter

with warnings.catch_warnings():
    warnings.simplefilter("ignore")
    from microsoft_teams.api.auth.cloud_environment import PUBLIC, with_overrides
    from microsoft_teams.apps import App

USAGE = "HireBot runs your interview panels: new, list, status P-12, ..."


def create_asgi() -> Starlette:
    app_id = os.environ["TEAMS_APP_ID"]
    login = os.environ["TEAMS_LOGIN_URL"]
    tenant = os.environ["TEAMS_TENANT_ID"]
    cache: dict[str, str] = {}

    async def token(scope: str | list[str], _tenant: str | None = None) -> str:
        # The SDK's own client-secret login asks Microsoft's public cloud first (it fails
        # offline), so the baseline gets its token the plain way, once.
        if "token" not in cache:
            async with httpx.AsyncClient() as http:
                answer = await http.post(
                    f"{login}/{tenant}/oauth2/v2.0/token",
                    data={
                        "grant_type": "client_credentials",
                        "client_id": app_id,
                        "client_secret": os.environ["TEAMS_APP_PASSWORD"],
                        "scope": "https://api.botframework.com/.default",
                    },
                )
            cache["token"] = answer.json()["access_token"]
        return cache["token"]

    adapter = StarletteAdapter()
    cloud = with_overrides(PUBLIC, openid_metadata_url=os.environ["TEAMS_OPENID_METADATA_URL"])
    sdk = App(
        client_id=app_id, tenant_id=tenant, token=token, http_server_adapter=adapter, cloud=cloud
    )

    @sdk.on_message
    async def on_message(ctx) -> None:  # type: ignore[no-untyped-def]
        await ctx.send(USAGE)

    async def messages(request: Request) -> Response:
        if adapter.handler is None:
            await sdk.initialize()
        answer = await adapter.handler(
            {"body": await request.json(), "headers": dict(request.headers)}
        )
        body = answer.get("body")
        status = int(answer.get("status") or 200)
        return (
            JSONResponse(body, status_code=status)
            if body is not None
            else Response(status_code=status)
        )

    return Starlette(routes=[Route("/api/messages", messages, methods=["POST"])])


def main() -> None:
    import logging

    logging.basicConfig(level=logging.WARNING)
    config = uvicorn.Config(
        create_asgi(),
        host="127.0.0.1",
        port=int(os.environ.get("PORT", "3000")),
        log_level="warning",
    )
    uvicorn.Server(config).run()


if __name__ == "__main__":
    main()
