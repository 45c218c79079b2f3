"""The Slack Web API client: one per process, with slack_sdk's retry handlers and typed errors.

Rate limits (429, honouring Retry-After), dropped connections, timeouts and 500/503 are retried
by slack_sdk's own handlers; what is still failing afterwards surfaces as a ``SlackError``
subclass, so callers decide by type (retry later, give up, tell someone) rather than by string.
"""

from __future__ import annotations

import asyncio
import re
import time
from typing import TYPE_CHECKING, Any

from aiohttp import (
    ClientOSError,
    ClientSession,
    ClientTimeout,
    ServerConnectionError,
    ServerDisconnectedError,
)
from slack_sdk.errors import SlackApiError, SlackClientError
from slack_sdk.http_retry.builtin_async_handlers import (
    AsyncConnectionErrorRetryHandler,
    AsyncRateLimitErrorRetryHandler,
    AsyncServerErrorRetryHandler,
)
from slack_sdk.http_retry.builtin_interval_calculators import BackoffRetryIntervalCalculator
from slack_sdk.http_retry.jitter import RandomJitter
from slack_sdk.web.async_client import AsyncWebClient
from slack_sdk.web.async_slack_response import AsyncSlackResponse

from bot.delivery import DeliveryError, PlatformUnavailable, RateLimited, RecipientGone, Rejected

if TYPE_CHECKING:
    from bot.metrics import Metrics

REQUEST_TIMEOUT_SECONDS = 10


class SlackError(DeliveryError):
    """A Web API call that failed after retries."""

    def __init__(self, method: str, error: str, *, retry_after: float | None = None) -> None:
        super().__init__(f"{method}: {error}")
        self.method = method
        self.error = error
        self.retry_after = retry_after


class SlackUnavailable(SlackError, PlatformUnavailable):
    """Slack could not be reached, timed out, or answered 5xx: worth trying again later."""


class SlackRateLimited(SlackError, RateLimited):
    """Still rate limited after the retry handler's attempts; ``retry_after`` says when."""


class SlackRecipientGone(SlackError, RecipientGone):
    """The user or channel cannot receive messages (deactivated, not found): do not retry."""


class SlackRejected(SlackError, Rejected):
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


class MeteredWebClient(AsyncWebClient):
    """An ``AsyncWebClient`` that counts and times each Web API call by method and outcome,
    over one HTTP session (kept-alive connections) for as long as the process runs.

    ``api_call`` is the one method every Web API method goes through, so this sees them all,
    once each, after slack_sdk's retries (the latency is what the caller waited). Without a
    ``session``, slack_sdk opens an aiohttp session (a new TCP connection) per call and closes
    it after; that was about a third of the dispatcher's CPU per nudge.
    """

    def __init__(self, *args: Any, metrics: Metrics | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.metrics = metrics
        self._session_loop: asyncio.AbstractEventLoop | None = None

    def open_session(self) -> ClientSession:
        """The shared session, made on first use in the running event loop (a session is
        bound to its loop: a new loop, as in tests, gets a new one). Its timeout is this
        client's ``timeout`` as it is then; Bolt's per-request clients copy ``session``."""
        loop = asyncio.get_running_loop()
        if self.session is None or self.session.closed or self._session_loop is not loop:
            self.session = ClientSession(timeout=ClientTimeout(total=self.timeout))
            self._session_loop = loop
        return self.session

    async def close_session(self) -> None:
        """Close the shared session (on shutdown): its pooled connections with it."""
        session, self.session = self.session, None
        if (
            session is not None
            and not session.closed
            and self._session_loop is (asyncio.get_running_loop())
        ):
            await session.close()

    async def api_call(self, api_method: str, **kwargs: Any) -> AsyncSlackResponse:
        self.open_session()
        if self.metrics is None:
            return await super().api_call(api_method, **kwargs)
        started = time.perf_counter()
        outcome = "ok"
        try:
            return await super().api_call(api_method, **kwargs)
        except BaseException as exc:
            outcome = call_outcome(exc)
            raise
        finally:
            self.metrics.slack_call(api_method, outcome, time.perf_counter() - started)


def make_client(
    token: str, base_url: str, *, retries: int = 3, metrics: Metrics | None = None
) -> MeteredWebClient:
    """An ``AsyncWebClient`` for ``base_url`` (``SLACK_API_URL``) with retry handlers; its
    calls are counted in ``metrics`` when given."""
    backoff = BackoffRetryIntervalCalculator(backoff_factor=0.5, jitter=RandomJitter())
    return MeteredWebClient(
        metrics=metrics,
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


_ERROR_CODE = re.compile(r"[a-z0-9_]{1,50}")


def call_outcome(exc: BaseException) -> str:
    """A metric label for how a call failed: ``rate_limited``, ``unavailable``, Slack's own
    error code (``channel_not_found``), ``cancelled`` or ``client_error``. Slack's error
    codes are a fixed vocabulary; anything else odd-looking becomes ``error``."""
    if not isinstance(exc, Exception):
        return "cancelled"
    try:
        typed = classify("", exc)
    except Exception:
        return "client_error"
    if isinstance(typed, SlackRateLimited):
        return "rate_limited"
    if isinstance(typed, SlackUnavailable):
        return "unavailable"
    return typed.error if _ERROR_CODE.fullmatch(typed.error) else "error"
