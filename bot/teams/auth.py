"""Inbound security: every activity's JWT is checked before anything reads the activity.

Bot Framework's connector signs each request (Microsoft's "Authenticate requests from the
Bot Connector service to your bot"): the bearer token must carry

- a signature by a key published at the ``jwks_uri`` of the OpenID metadata document
  (``TEAMS_OPENID_METADATA_URL``), with an algorithm the document allows, by a key whose
  ``endorsements`` name the activity's channel (``msteams``);
- the issuer ``https://api.botframework.com``;
- the audience: this bot's app id (``TEAMS_APP_ID``);
- a validity period that includes now (five minutes' skew allowed);
- a ``serviceurl`` claim equal to the activity's ``serviceUrl``, so a token minted for one
  conversation's service cannot point the bot's replies somewhere else.

Keys are fetched with an async client before traffic (the server's start-up) and refreshed in
the background; an unknown key id triggers one refresh, at most once a minute. Nothing here
blocks the event loop (the SDK's own validator uses a blocking fetch on the request path).
"""

from __future__ import annotations

import asyncio
import json
import logging
import time
from dataclasses import dataclass
from typing import Any

import httpx
import jwt

log = logging.getLogger(__name__)

ISSUER = "https://api.botframework.com"
#: Microsoft's advice: refresh the keys daily, and tolerate five minutes of clock skew.
REFRESH_SECONDS = 24 * 3600
SKEW_SECONDS = 300
#: An unknown key id refreshes the keys at most this often (a bad token can't hammer Microsoft).
UNKNOWN_KID_COOLDOWN = 60.0


class Unauthorized(Exception):
    """The request is not from Bot Framework for this bot: answer 401, change nothing."""


@dataclass(frozen=True)
class SigningKey:
    kid: str
    key: Any  # a cryptography public key
    endorsements: frozenset[str]


class InboundValidator:
    """Validates connector tokens against keys held in memory (see the module's docstring)."""

    def __init__(self, app_id: str, metadata_url: str, http: httpx.AsyncClient) -> None:
        self.app_id = app_id
        self.metadata_url = metadata_url
        self._http = http
        self._keys: dict[str, SigningKey] = {}
        self._algorithms: list[str] = ["RS256"]
        self._fetched_at = 0.0
        self._refreshing: asyncio.Task[None] | None = None
        self._last_forced = -UNKNOWN_KID_COOLDOWN

    # ------------------------------------------------------------------ keys
    async def refresh(self) -> None:
        """Fetch the metadata document, then its key set (two async GETs)."""
        metadata = (await self._http.get(self.metadata_url)).raise_for_status().json()
        jwks_uri = metadata.get("jwks_uri")
        if not isinstance(jwks_uri, str) or not jwks_uri.startswith("https://"):
            raise Unauthorized("OpenID metadata without an https jwks_uri")
        algorithms = metadata.get("id_token_signing_alg_values_supported") or ["RS256"]
        document = (await self._http.get(jwks_uri)).raise_for_status().json()
        keys: dict[str, SigningKey] = {}
        for entry in document.get("keys") or []:
            if entry.get("kty") != "RSA" or not entry.get("kid"):
                continue
            try:
                public = jwt.PyJWK.from_json(json.dumps(entry), algorithm="RS256").key
            except jwt.PyJWKError as exc:
                log.warning("skipped a malformed signing key %s: %s", entry.get("kid"), exc)
                continue
            keys[entry["kid"]] = SigningKey(
                entry["kid"], public, frozenset(entry.get("endorsements") or ())
            )
        if not keys:
            raise Unauthorized("the key set has no usable RSA keys")
        self._keys = keys
        self._algorithms = [a for a in algorithms if a.startswith("RS")] or ["RS256"]
        self._fetched_at = time.monotonic()
        log.info("Teams signing keys loaded: %d", len(keys))

    async def _refresh_once(self) -> None:
        """One refresh shared by every request waiting on it."""
        if self._refreshing is None or self._refreshing.done():
            self._refreshing = asyncio.ensure_future(self.refresh())
        await asyncio.shield(self._refreshing)

    def stale(self) -> bool:
        return not self._keys or time.monotonic() - self._fetched_at > REFRESH_SECONDS

    async def keep_fresh(self) -> None:
        """Run in the background: refresh the keys daily (errors logged, old keys kept)."""
        while True:
            await asyncio.sleep(60)
            if self.stale():
                try:
                    await self._refresh_once()
                except Exception as exc:
                    log.warning("could not refresh Teams signing keys: %s", exc)

    async def _key(self, kid: str) -> SigningKey:
        if kid not in self._keys or self.stale():
            now = time.monotonic()
            if not self._keys or now - self._last_forced >= UNKNOWN_KID_COOLDOWN:
                self._last_forced = now
                try:
                    await self._refresh_once()
                except Exception as exc:
                    log.warning("could not fetch Teams signing keys: %s", exc)
        key = self._keys.get(kid)
        if key is None:
            raise Unauthorized("unknown signing key")
        return key

    # ------------------------------------------------------------------ tokens
    async def validate(self, authorization: str, activity: dict[str, Any]) -> dict[str, Any]:
        """The token's claims, or ``Unauthorized`` saying why not."""
        if not authorization.startswith("Bearer "):
            raise Unauthorized("no bearer token")
        token = authorization.removeprefix("Bearer ").strip()
        try:
            header = jwt.get_unverified_header(token)
        except jwt.PyJWTError as exc:
            raise Unauthorized(f"malformed token: {exc}") from None
        algorithm = header.get("alg")
        if algorithm not in self._algorithms:
            raise Unauthorized(f"algorithm {algorithm!r} not allowed")
        key = await self._key(str(header.get("kid") or ""))
        channel = str(activity.get("channelId") or "")
        if key.endorsements and channel not in key.endorsements:
            raise Unauthorized(f"the signing key is not endorsed for channel {channel!r}")
        try:
            claims = jwt.decode(
                token,
                key.key,
                algorithms=[algorithm],
                audience=self.app_id,
                issuer=ISSUER,
                leeway=SKEW_SECONDS,
                options={"require": ["exp", "iss", "aud"]},
            )
        except jwt.PyJWTError as exc:
            raise Unauthorized(str(exc)) from None
        claimed = str(claims.get("serviceurl") or claims.get("serviceUrl") or "").rstrip("/")
        service_url = str(activity.get("serviceUrl") or "").rstrip("/")
        if not claimed or claimed != service_url:
            raise Unauthorized("the token's serviceurl does not match the activity's serviceUrl")
        return claims
