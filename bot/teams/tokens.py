"""Tokens for HireBot's outgoing calls: the OAuth 2.0 client-credentials grant, by hand.

The SDK's built-in client-secret login asks Microsoft's public cloud about any authority it does
not know before requesting a token (instance discovery), so with ``TEAMS_LOGIN_URL`` pointing at
staging or a test authority it fails offline. This provider makes the one documented request,
``POST {TEAMS_LOGIN_URL}/{tenant}/oauth2/v2.0/token``, over TLS, and caches each scope's token
until five minutes before it expires. Concurrent callers share one request per scope.
"""

from __future__ import annotations

import asyncio
import logging
import time
from dataclasses import dataclass

import httpx

log = logging.getLogger(__name__)

BOT_SCOPE = "https://api.botframework.com/.default"
GRAPH_SCOPE = "https://graph.microsoft.com/.default"
#: Renew this long before the token's own expiry.
EARLY_RENEWAL_SECONDS = 300


class TokenError(Exception):
    """The authority would not give a token (bad secret, unknown tenant, down)."""

    def __init__(self, message: str, *, transient: bool) -> None:
        super().__init__(message)
        self.transient = transient


@dataclass
class _Cached:
    token: str
    renew_at: float


class ClientCredentialsTokens:
    def __init__(
        self,
        http: httpx.AsyncClient,
        *,
        login_url: str,
        tenant_id: str,
        client_id: str,
        client_secret: str,
    ) -> None:
        self._http = http
        self._endpoint = f"{login_url.rstrip('/')}/{tenant_id}/oauth2/v2.0/token"
        self._client_id = client_id
        self._client_secret = client_secret
        self._cache: dict[str, _Cached] = {}
        self._pending: dict[str, asyncio.Task[str]] = {}
        self.requests = 0  # how many token requests were made (tests, metrics)

    async def token(self, scope: str = BOT_SCOPE) -> str:
        cached = self._cache.get(scope)
        if cached and cached.renew_at > time.monotonic():
            return cached.token
        task = self._pending.get(scope)
        if task is None:
            task = self._pending[scope] = asyncio.ensure_future(self._request(scope))
            task.add_done_callback(lambda _t: self._pending.pop(scope, None))
        return await asyncio.shield(task)

    def forget(self, scope: str = BOT_SCOPE) -> None:
        """Drop a token the service refused (401), so the next call asks again."""
        self._cache.pop(scope, None)

    async def _request(self, scope: str) -> str:
        self.requests += 1
        try:
            response = await self._http.post(
                self._endpoint,
                data={
                    "grant_type": "client_credentials",
                    "client_id": self._client_id,
                    "client_secret": self._client_secret,
                    "scope": scope,
                },
                headers={"Accept": "application/json"},
            )
        except httpx.HTTPError as exc:
            raise TokenError(f"token authority unreachable: {exc!r}", transient=True) from exc
        if response.status_code != 200:
            try:
                body = response.json()
                what = f"{body.get('error')}: {str(body.get('error_description', ''))[:200]}"
            except ValueError:
                what = response.text[:200]
            transient = response.status_code == 429 or response.status_code >= 500
            raise TokenError(
                f"token request refused ({response.status_code}) {what}", transient=transient
            )
        body = response.json()
        token = body.get("access_token")
        if not isinstance(token, str) or not token:
            raise TokenError("token response without access_token", transient=True)
        lifetime = float(body.get("expires_in") or 3599)
        renew = max(lifetime - EARLY_RENEWAL_SECONDS, lifetime / 2)
        self._cache[scope] = _Cached(token, time.monotonic() + renew)
        return token

    # The SDK's ``token`` option: a callable (scope, tenant id) -> token.
    async def for_sdk(self, scope: str | list[str], _tenant_id: str | None = None) -> str:
        if isinstance(scope, list):
            scope = scope[0] if scope else BOT_SCOPE
        return await self.token(scope or BOT_SCOPE)
