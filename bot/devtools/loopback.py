"""Serving a fake's aiohttp app on loopback: one runner, one site, the port it was given."""

from __future__ import annotations

import asyncio
import ssl

from aiohttp import web


async def serve(
    app: web.Application, host: str, port: int = 0, *, ssl_context: ssl.SSLContext | None = None
) -> tuple[web.AppRunner, int]:
    """Start ``app`` on ``host``; ``port`` 0 asks the system for a free one. Returns the runner
    (``cleanup()`` stops it) and the port actually bound."""
    runner = web.AppRunner(app, access_log=None)
    await runner.setup()
    site = web.TCPSite(runner, host, port, ssl_context=ssl_context)
    await site.start()
    server = site._server
    assert isinstance(server, asyncio.Server)  # started just above, on TCP
    return runner, server.sockets[0].getsockname()[1]
