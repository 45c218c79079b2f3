"""A Bolt middleware: each Slack request's time to ack, by listener, and one metered client.

It runs as Bolt's ``before_authorize`` step, right after the signature check. It hands the
rest of the request (Bolt's own ``auth.test``, the listeners' ``views.open`` and the like) the
app's ``MeteredWebClient`` in place of the fresh unmetered client Bolt builds per request, so
those calls are counted with every other Web API call. (Bolt builds one per request only to
guard against apps swapping tokens mid-request; HireBot's token is fixed.)

The ``listener`` label is the payload's kind and our own callback, action or command name.
Names HireBot does not define become ``other``, so whatever a request carries, the label has a
bounded set of values.
"""

from __future__ import annotations

import time
from collections.abc import Awaitable, Callable
from typing import Any

from slack_bolt.context.async_context import AsyncBoltContext
from slack_sdk.web.async_client import AsyncWebClient

from bot.metrics import Metrics
from bot.slack import ids

KNOWN_NAMES = frozenset(
    {value for name, value in vars(ids).items() if name.isupper() and isinstance(value, str)}
    | {"/panel", "app_home_opened"}
)

Middleware = Callable[..., Awaitable[Any]]


def listener_label(body: dict[str, Any]) -> str:
    """``view_submission:panel_reschedule``, ``block_actions:prep_confirm``, ``command:/panel``,
    ``event:app_home_opened``... from the request's payload."""
    if "command" in body:
        kind, name = "command", body.get("command")
    elif body.get("type") == "event_callback":
        kind, name = "event", (body.get("event") or {}).get("type")
    else:
        kind = str(body.get("type") or "other")
        if kind in ("view_submission", "view_closed"):
            name = (body.get("view") or {}).get("callback_id")
        elif kind == "block_actions":
            actions = body.get("actions") or [{}]
            name = actions[0].get("action_id")
        elif kind == "block_suggestion":
            name = body.get("action_id")
        else:
            kind, name = "other", None
    return f"{kind}:{name if name in KNOWN_NAMES else 'other'}"


def metered_requests(metrics: Metrics, client: AsyncWebClient) -> Middleware:
    async def middleware(
        body: dict[str, Any], context: AsyncBoltContext, next: Callable[[], Awaitable[Any]]
    ) -> Any:
        context["client"] = client
        started = time.perf_counter()
        try:
            # Listeners run with process_before_response off: this returns once they ack.
            return await next()
        finally:
            seconds = time.perf_counter() - started
            metrics.request_seconds.labels(listener=listener_label(body)).observe(seconds)

    return middleware
