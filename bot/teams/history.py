"""What HireBot posted in a person's 1:1 chat, read back through Microsoft Graph.

The Bot Framework connector offers bots no history of a conversation; Graph does:
``GET /chats/{chat-id}/messages``, newest first with ``$orderby=createdDateTime desc`` (the
only order it has), at most 50 a page (``$top``), more through ``@odata.nextLink``. Reading
stops at the first message older than asked for.

- **Permission.** An application permission that covers the bot's 1:1 chats:
  ``Chat.Read.WhereInstalled`` (chats where HireBot is installed; Graph's 403 for this call
  names it among those it accepts) or ``Chat.Read.All`` (the one the API's page lists).
  The resource-specific ``ChatMessage.Read.Chat`` does not apply: in a personal chat Teams
  grants only ``ChatMessageReadReceipt.Read.Chat``. Without one, Graph answers 403: that is
  logged once and nothing is found, so a takeover sends again (at least once, as before).
- **The chat's id.** The connector's id of a 1:1 chat (``a:1…``) is not one Graph accepts.
  Graph names it ``19:{id}_{id}@unq.gbl.spaces`` from the person's Azure AD object id and the
  bot's app id; Microsoft's own examples show both orders, so the person-first form is asked
  first, then the other, and the one that answers is remembered. A conversation id already in
  that form (Teams sends some) is used as it is.
"""

from __future__ import annotations

import logging
from datetime import datetime
from typing import Any
from urllib.parse import quote

import httpx

from bot.delivery import DeliveryError
from bot.teams.tokens import GRAPH_SCOPE, ClientCredentialsTokens, TokenError

log = logging.getLogger(__name__)

#: Graph's largest page of chat messages.
PAGE = 50
#: A takeover looks back minutes; this many pages (2,500 messages) is far more than enough.
MAX_PAGES = 50


class HistoryUnavailable(DeliveryError):
    """Graph could not say what was posted (unreachable, 5xx, throttled, no such chat)."""


def chat_id_candidates(aad_object_id: str, app_id: str, conversation_id: str | None) -> list[str]:
    """Graph ids the 1:1 chat between a person and the bot may have, likeliest first."""
    if (
        conversation_id
        and conversation_id.startswith("19:")
        and "@unq.gbl.spaces" in conversation_id
    ):
        return [conversation_id]
    return [
        f"19:{aad_object_id}_{app_id}@unq.gbl.spaces",
        f"19:{app_id}_{aad_object_id}@unq.gbl.spaces",
    ]


class ChatHistory:
    def __init__(
        self, http: httpx.AsyncClient, tokens: ClientCredentialsTokens, base_url: str, app_id: str
    ) -> None:
        self._http = http
        self._tokens = tokens
        self._base = base_url if base_url.endswith("/") else base_url + "/"
        self._app_id = app_id
        self._chat_ids: dict[str, str] = {}  # person -> the Graph chat id that answered
        self._refused_logged = False  # the missing permission is logged once per process

    async def bot_messages_since(
        self, aad_object_id: str, conversation_id: str | None, since: datetime
    ) -> list[dict[str, Any]]:
        """Graph's chatMessages HireBot posted to the person since ``since``, newest first;
        empty when Graph refuses (no permission). Raises ``HistoryUnavailable`` otherwise."""
        known = self._chat_ids.get(aad_object_id)
        candidates = (
            [known] if known else chat_id_candidates(aad_object_id, self._app_id, conversation_id)
        )
        for chat_id in candidates:
            response = await self._get(
                self._base + f"chats/{quote(chat_id, safe='')}/messages",
                {"$top": str(PAGE), "$orderby": "createdDateTime desc"},
            )
            if response.status_code in (400, 404):  # not this form of the id
                continue
            if response.status_code == 403:
                self._refused()
                return []
            self._chat_ids[aad_object_id] = chat_id
            return await self._collect(response, since)
        raise HistoryUnavailable(f"chat messages: no 1:1 chat with {aad_object_id} in Graph")

    async def _collect(self, response: httpx.Response, since: datetime) -> list[dict[str, Any]]:
        found: list[dict[str, Any]] = []
        for _page in range(MAX_PAGES):
            _raise_for(response)
            body = response.json()
            for message in body.get("value") or []:
                created = _when(message.get("createdDateTime"))
                if created is not None and created < since:
                    return found  # newest first: the rest is older still
                if self._from_bot(message):
                    found.append(message)
            next_link = body.get("@odata.nextLink")
            if not next_link:
                return found
            response = await self._get(str(next_link), None)
        log.warning("stopped reading a chat's messages after %d pages", MAX_PAGES)
        return found

    def _from_bot(self, message: dict[str, Any]) -> bool:
        application = (message.get("from") or {}).get("application") or {}
        return str(application.get("id") or "").lower() == self._app_id.lower()

    async def _get(self, url: str, params: dict[str, str] | None) -> httpx.Response:
        try:
            token = await self._tokens.token(GRAPH_SCOPE)
            response = await self._http.get(
                url, params=params, headers={"Authorization": f"Bearer {token}"}
            )
        except (httpx.HTTPError, TokenError) as exc:
            raise HistoryUnavailable(f"chat messages: Graph unreachable: {exc!r}") from exc
        if response.status_code == 401:
            self._tokens.forget(GRAPH_SCOPE)
        return response

    def _refused(self) -> None:
        if not self._refused_logged:
            self._refused_logged = True
            log.warning(
                "Graph refused to list HireBot's chat messages (403): grant the application"
                " permission Chat.Read.WhereInstalled (or Chat.Read.All). Until then a Teams"
                " nudge taken over from a sender that died is sent again: at least once,"
                " possibly twice"
            )


def _raise_for(response: httpx.Response) -> None:
    if response.status_code != 200:
        raise HistoryUnavailable(
            f"chat messages: Graph answered {response.status_code}: {response.text[:200]}"
        )


def _when(value: Any) -> datetime | None:
    try:
        return datetime.fromisoformat(str(value))
    except ValueError:
        return None
