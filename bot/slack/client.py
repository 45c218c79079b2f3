"""The Slack Web API client: one per process, with slack_sdk's retry handlers and typed errors.

Rate limits (429, honouring Retry-After), dropped connections, timeouts and 500/503 are retried
by slack_sdk's own handlers; what is still failing afterwards surfaces as a ``SlackError``
subclass, so callers decide by type (retry later, give up, tell someone) rather than by string.
"""

from __future__ import annotations

import asyncio

from aiohttp import ClientOSError, ServerConnectionError, ServerDisconnectedError
from slack_sdk.errors import SlackApiError, SlackClientError
from slack_sdk.http_retry.builtin_async_handlers import (
    AsyncConnectionErrorRetryHandler,
    AsyncRateLimitErrorRetryHandler,
    AsyncServerErrorRetryHandler,
)
from slack_sdk.http_retry.builtin_interval_calculators import BackoffRetryIntervalCalculator
from slack_sdk.http_retry.jitter import RandomJitter
from slack_sdk.web.async_client import AsyncWebClient

REQUEST_TIMEOUT_SECONDS = 10


class SlackError(Exception):
    """A Web API call that failed after retries."""

    def __init__(self, method: str, error: str, *, retry_after: float | None = None) -> None:
        super().__init__(f"{method}: {error}")
        self.method = method
        self.error = error
        self.retry_after = retry_after


class SlackUnavailable(SlackError):
    """Slack could not be reached, timed out, or answered 5xx: worth trying again later."""


class SlackRateLimited(SlackError):
    """Still rate limited after the retry handler's attempts; ``retry_after`` says when."""


class SlackRecipientGone(SlackError):
    """The user or channel cannot receive messages (deactivated, not found): do not retry."""


class SlackRejected(SlackError):
    """Slack refused the request itself (bad arguments, bad blocks, bad token): do not retry."""


_GONE = {
    "user_not_found",
    "channel_not_found",
    "account_inactive",
    "user_disabled",
    "cannot_dm_bot",
    "is_archived",
    "messages_tab_disabled",
}


def make_client(token: str, base_url: str, *, retries: int = 3) -> AsyncWebClient:
    """An ``AsyncWebClient`` for ``base_url`` (``SLACK_API_URL``) with retry handlers."""
    backoff = BackoffRetryIntervalCalculator(backoff_factor=0.5, jitter=RandomJitter())
    return AsyncWebClient(
        token=token,
        base_url=base_url,
        timeout=REQUEST_TIMEOUT_SECONDS,
        retry_handlers=[
            AsyncConnectionErrorRetryHandler(
                max_retry_count=retries,
                interval_calculator=backoff,
                error_types=[
                    ServerConnectionError,
                    ServerDisconnectedError,
                    ClientOSError,
                    asyncio.TimeoutError,
                ],
            ),
            AsyncRateLimitErrorRetryHandler(max_retry_count=retries),
            AsyncServerErrorRetryHandler(max_retry_count=retries, interval_calculator=backoff),
        ],
    )


def classify(method: str, exc: Exception) -> SlackError:
    """Turn what slack_sdk or aiohttp raised into one of the typed errors above."""
    if isinstance(exc, SlackApiError):
        response = exc.response
        data = response.data if isinstance(response.data, dict) else {}
        error = str(data.get("error", f"http_{response.status_code}"))
        status = response.status_code
        if status == 429:
            retry_after = float(response.headers.get("Retry-After", 1) or 1)
            return SlackRateLimited(method, error, retry_after=retry_after)
        if status >= 500:
            return SlackUnavailable(method, error)
        if error in _GONE:
            return SlackRecipientGone(method, error)
        return SlackRejected(method, error)
    if isinstance(exc, (SlackClientError, asyncio.TimeoutError, OSError, ServerConnectionError)):
        return SlackUnavailable(method, f"{type(exc).__name__}: {exc}")
    raise exc
