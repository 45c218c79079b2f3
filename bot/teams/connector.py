"""Bot Framework's connector (Teams' Bot API): proactive 1:1 sends, updates in place, new chats.

Three REST calls, each against the ``serviceUrl`` stored with the person's conversation
reference, with an app-only token for ``https://api.botframework.com/.default``:

- ``POST {serviceUrl}/v3/conversations``: the 1:1 chat with a person (``members`` = the person,
  ``tenantId`` in ``channelData``); answers the conversation id (and, for an existing chat,
  the same id again, which Teams calls idempotent);
- ``POST {serviceUrl}/v3/conversations/{id}/activities``: a new message; answers its id;
- ``PUT {serviceUrl}/v3/conversations/{id}/activities/{activityId}``: replace a message.

Teams throttles bots (about 7 messages a second per conversation, 50 requests a second per
tenant) with 429 and ``Retry-After``; 412 means a concurrent update; 5xx, timeouts and lost
connections are transient. Every call first waits for the tenant's limiter
(``bot.teams.pacing``), so a burst stays under the tenant's limit instead of meeting 429s.
Retries are HireBot's, through the outbox (the SDK retries nothing), so every failure comes
back as a typed delivery error the dispatcher already understands.
"""

from __future__ import annotations

import logging
from typing import Any
from urllib.parse import quote

import httpx

from bot.delivery import DeliveryError, PlatformUnavailable
from bot.delivery import RateLimited as PortRateLimited
from bot.delivery import RecipientGone as PortRecipientGone
from bot.delivery import Rejected as PortRejected
from bot.teams.pacing import TenantLimiter
from bot.teams.tokens import BOT_SCOPE, ClientCredentialsTokens, TokenError

log = logging.getLogger(__name__)

#: Without a Retry-After, a 429 waits this long (seconds); 412 a little.
DEFAULT_RETRY_AFTER = 2.0
CONFLICT_RETRY_AFTER = 1.0


class TeamsError(DeliveryError):
    """A connector call that failed: the method, and what Teams answered."""

    def __init__(self, method: str, error: str, *, retry_after: float | None = None) -> None:
        super().__init__(f"{method}: {error}")
        self.method = method
        self.error = error
        self.retry_after = retry_after


class Unavailable(TeamsError, PlatformUnavailable):
    """Teams could not be reached, timed out or answered 5xx: try again later."""


class RateLimited(TeamsError, PortRateLimited):
    """429 (or 412, a concurrent update): ``retry_after`` says when to try again."""


class RecipientGone(TeamsError, PortRecipientGone):
    """The person removed the app, left the tenant, or was never reachable: do not retry."""


class Rejected(TeamsError, PortRejected):
    """Teams refused the request itself (a bad card, bad credentials): do not retry."""


def retry_after_seconds(value: str | None, default: float) -> float:
    """``Retry-After`` is seconds (Teams' usual form) or an HTTP date; anything else: default."""
    if not value:
        return default
    try:
        return max(0.0, float(value))
    except ValueError:
        pass
    from datetime import UTC, datetime
    from email.utils import parsedate_to_datetime

    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return default
    return max(0.0, (when - datetime.now(UTC)).total_seconds())


def classify(method: str, response: httpx.Response) -> Exception:
    """The typed error for a failed connector answer."""
    try:
        body = response.json()
        error = body.get("error") or {}
        code = str(error.get("code") or response.status_code)
        detail = str(error.get("message") or "")[:200]
    except ValueError:
        code, detail = str(response.status_code), response.text[:200]
    what = f"{response.status_code} {code}{': ' + detail if detail else ''}"
    status = response.status_code
    if status == 429:
        wait = retry_after_seconds(response.headers.get("Retry-After"), DEFAULT_RETRY_AFTER)
        return RateLimited(method, what, retry_after=wait)
    if status == 412:  # a concurrent update: try again shortly
        return RateLimited(method, what, retry_after=CONFLICT_RETRY_AFTER)
    if status >= 500 or status in (408, 502, 503, 504):
        return Unavailable(method, what)
    if status in (403, 404) or code in {"ConversationNotFound", "BotNotInConversationRoster"}:
        # The person removed the app, left the tenant, or blocked the bot.
        return RecipientGone(method, what)
    return Rejected(method, what)


class Connector:
    def __init__(
        self,
        http: httpx.AsyncClient,
        tokens: ClientCredentialsTokens,
        *,
        tenant_id: str,
        limiter: TenantLimiter,
    ) -> None:
        self._http = http
        self._tokens = tokens
        self._tenant_id = tenant_id  # a single-tenant bot: every call counts against this one
        self.limiter = limiter
        self.calls = 0

    async def _call(self, method: str, verb: str, url: str, payload: dict[str, Any]) -> dict:
        try:
            token = await self._tokens.token(BOT_SCOPE)
        except TokenError as exc:
            raise (Unavailable if exc.transient else Rejected)(method, str(exc)) from exc
        await self.limiter.wait(self._tenant_id)
        self.calls += 1
        try:
            response = await self._http.request(
                verb, url, json=payload, headers={"Authorization": f"Bearer {token}"}
            )
        except httpx.HTTPError as exc:
            raise Unavailable(method, f"connector unreachable: {exc!r}") from exc
        if response.status_code == 401:
            self._tokens.forget(BOT_SCOPE)  # a stale token: the retry asks for a new one
            raise Unavailable(method, "401 from the connector (token refused)")
        if response.status_code >= 300:
            raise classify(method, response)
        if not response.content:
            return {}
        try:
            return response.json()
        except ValueError:
            return {}

    @staticmethod
    def _base(service_url: str) -> str:
        return service_url.rstrip("/") + "/v3/conversations"

    async def create_conversation(
        self, service_url: str, *, bot_id: str, user_id: str, tenant_id: str
    ) -> str:
        """The 1:1 conversation id with ``user_id`` (Teams answers the same id if it exists)."""
        body = await self._call(
            "conversations.create",
            "POST",
            self._base(service_url),
            {
                "bot": {"id": bot_id},
                "members": [{"id": user_id}],
                "isGroup": False,
                "tenantId": tenant_id,
                "channelData": {"tenant": {"id": tenant_id}},
            },
        )
        conversation_id = body.get("id")
        if not conversation_id:
            raise Unavailable("conversations.create", "no conversation id in the answer")
        return str(conversation_id)

    async def send(self, service_url: str, conversation_id: str, activity: dict) -> str:
        url = f"{self._base(service_url)}/{quote(conversation_id, safe='')}/activities"
        body = await self._call("activities.send", "POST", url, activity)
        return str(body.get("id") or "")

    async def update(
        self, service_url: str, conversation_id: str, activity_id: str, activity: dict
    ) -> str:
        url = (
            f"{self._base(service_url)}/{quote(conversation_id, safe='')}"
            f"/activities/{quote(activity_id, safe='')}"
        )
        body = await self._call("activities.update", "PUT", url, {**activity, "id": activity_id})
        return str(body.get("id") or activity_id)
