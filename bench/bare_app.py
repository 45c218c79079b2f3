"""The baseline for ``bench/ack.py``: a bare Bolt app whose ``/panel`` listener only acks
(``/panel respond``: acks, then posts a fixed answer to the command's ``response_url``, the
cheapest form of what HireBot's ``status``, ``stalled`` and ``history`` do).

It runs on the same stack as ``hirebot serve`` (Starlette, Bolt's Starlette adapter, uvicorn with
the same options, request verification on, a Web API client pointed at the same fake Slack so
Bolt's ``auth.test`` works), so the difference in ack speed is what HireBot itself adds.

Reads ``SLACK_SIGNING_SECRET``, ``SLACK_BOT_TOKEN``, ``SLACK_API_URL`` and ``PORT``.
"""

from __future__ import annotations

import os

import uvicorn
from slack_bolt.adapter.starlette.async_handler import AsyncSlackRequestHandler
from slack_bolt.async_app import AsyncAck, AsyncApp, AsyncRespond
from slack_sdk.web.async_client import AsyncWebClient
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route


def create_asgi(signing_secret: str, token: str, api_url: str) -> Starlette:
    app = AsyncApp(
        signing_secret=signing_secret,
        client=AsyncWebClient(token=token, base_url=api_url),
        process_before_response=False,  # as HireBot's app
    )

    @app.command("/panel")
    async def panel(ack: AsyncAck, command: dict, respond: AsyncRespond) -> None:
        await ack()
        if command.get("text") == "respond":
            await respond(text="P-0: a fixed answer", response_type="ephemeral")

    handler = AsyncSlackRequestHandler(app)

    async def slack_events(request: Request) -> Response:
        return await handler.handle(request)

    return Starlette(routes=[Route("/slack/events", slack_events, methods=["POST"])])


def main() -> None:
    asgi = create_asgi(
        os.environ["SLACK_SIGNING_SECRET"],
        os.environ["SLACK_BOT_TOKEN"],
        os.environ["SLACK_API_URL"],
    )
    # The same uvicorn options as bot.runtime.serve, bound to loopback only.
    config = uvicorn.Config(
        asgi, host="127.0.0.1", port=int(os.environ.get("PORT", "3000")), log_level="warning"
    )
    uvicorn.Server(config).run()


if __name__ == "__main__":
    main()
