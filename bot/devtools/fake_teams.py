"""Microsoft's side of Teams on loopback: Bot Framework's connector and OpenID keys, the Entra
token authority and Microsoft Graph, over TLS with a CA of its own. It records every call.

Built from Microsoft's documentation, quirks included:

- the OpenID metadata names ``jwks_uri``; each key carries ``endorsements`` (the channels it
  may sign for);
- the token authority takes ``grant_type=client_credentials`` as a form at
  ``/{tenant}/oauth2/v2.0/token`` and answers errors as ``{"error", "error_description"}`` with
  an ``AADSTS`` code; it is https only (msal refuses anything else);
- the connector wants a bearer token for ``https://api.botframework.com/.default``; a 1:1
  conversation needs the tenant (``tenantId`` or ``channelData.tenant.id``) and answers the same
  id for the same person; messages over about 100 KB are refused (413); throttling is 429 with
  ``Retry-After``; an update keeps the message's id; an update of an unknown activity is 404
  ``ActivityNotFoundInConversation`` (of an unknown chat, ``ConversationNotFound``);
- the connector counts every request of the tenant (sends, updates, new conversations) against
  the global limit of 50 requests a second per app per tenant, and answers 429 with
  ``Retry-After`` beyond it (``tenant_limit``: requests per window, smaller in tests);
- Graph wants its own token (``https://graph.microsoft.com/.default``); ``mailboxSettings``
  names zones the Windows way ("Pacific Standard Time"); a user without a mailbox answers 404
  ``MailboxNotEnabledForRESTAPI`` there; ``GET /users`` filters with ``startswith(displayName,
  '…')`` or with ``mail eq '…'`` / ``userPrincipalName eq '…'`` joined by ``or`` (string
  literals in single quotes, a quote inside doubled; compared case-insensitively, as the
  directory does), answers ``{"value": [...]}`` (empty when nobody matches) and 400
  ``BadRequest`` for a filter it cannot parse; ``$select`` keeps only the properties named;
- Graph lists the messages of a 1:1 chat (``GET /chats/{chat-id}/messages``): the chat id is
  ``19:{one id}_{other id}@unq.gbl.spaces`` (the person's object id and the bot's app id),
  newest first by ``createdDateTime`` (only descending order exists), ``$top`` at most 50,
  further pages through ``@odata.nextLink``; an Adaptive Card is an attachment whose
  ``content`` is the card as a JSON *string*, and the body only points at it; without an
  application permission that covers the chat (``chat_messages_granted``) it answers 403.

``sign`` mints what the connector would send to the bot: an RS256 token with the issuer,
audience and ``serviceurl`` claim the bot must check.
"""

from __future__ import annotations

import asyncio
import base64
import contextlib
import itertools
import json
import re
import time
import uuid
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from urllib.parse import quote

import jwt
from aiohttp import web
from cryptography.hazmat.primitives.asymmetric import rsa

from bot.devtools.loopback import serve
from bot.teams.cards import card_problems

ISSUER = "https://api.botframework.com"
BOT_SCOPE = "https://api.botframework.com/.default"
GRAPH_SCOPE = "https://graph.microsoft.com/.default"
MAX_MESSAGE_BYTES = 100 * 1024
CARD = "application/vnd.microsoft.card.adaptive"
#: Microsoft's global limit for the bot APIs: requests per second per app per tenant.
TENANT_LIMIT = (50, 1.0)
#: Graph's largest page of chat messages (``$top``), and its page when none is asked for.
GRAPH_MAX_TOP = 50
GRAPH_DEFAULT_TOP = 20
CONNECTOR_METHODS = ("conversations.create", "activities.send", "activities.update")


@dataclass
class GraphUser:
    id: str  # the Azure AD object id
    name: str
    title: str = ""
    zone: str | None = "Pacific Standard Time"  # as Outlook stores it (Windows name)
    enabled: bool = True
    mailbox: bool = True
    email: str = ""  # ``mail``; by default made from the name
    upn: str = ""  # ``userPrincipalName``; by default the mail

    @property
    def mail(self) -> str:
        return self.email or self.name.lower().replace(" ", ".") + "@contoso.example"

    def to_api(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "displayName": self.name,
            "jobTitle": self.title or None,
            "accountEnabled": self.enabled,
            "userType": "Member",
            "mail": self.mail,
            "userPrincipalName": self.upn or self.mail,
        }


@dataclass
class Call:
    method: str
    path: str
    body: Any
    headers: dict[str, str]


@dataclass
class Fault:
    status: int = 500
    retry_after: str | None = None
    code: str = "ServiceError"


def _b64(number: int) -> str:
    raw = number.to_bytes((number.bit_length() + 7) // 8, "big")
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode()


@dataclass
class FakeTeams:
    app_id: str = "00000000-0000-4000-8000-00000000b07a"
    app_password: str = "test-app-password"
    tenant_id: str = "72f988bf-0000-4000-8000-000000000001"
    users: dict[str, GraphUser] = field(default_factory=dict)
    calls: list[Call] = field(default_factory=list)
    violations: list[str] = field(default_factory=list)
    #: Each key id the fake publishes, with the channels it endorses.
    endorsements: tuple[str, ...] = ("msteams",)
    keys_delay: float = 0.0
    #: How long the connector takes to answer a send or an update (seconds), for benchmarks.
    send_latency: float = 0.0
    #: The signing key, PEM (a benchmark shares it with the process that signs activities).
    private_key_pem: bytes | None = None
    #: (requests, seconds): the tenant's limit across connector calls; None: no limit.
    tenant_limit: tuple[int, float] | None = TENANT_LIMIT
    #: Whether the app holds a Graph permission that lists its 1:1 chats' messages.
    chat_messages_granted: bool = True
    #: Whether the 1:1 chat's Graph id names the bot first (Microsoft's examples show both).
    chat_id_bot_first: bool = False
    #: Sends beyond this many are delivered, then left unanswered until ``release_held``: a
    #: sender that dies right after its messages went out (a crash test's victim).
    hold_sends_after: int | None = None

    def __post_init__(self) -> None:
        self._private: rsa.RSAPrivateKey
        if self.private_key_pem is not None:
            from cryptography.hazmat.primitives.serialization import load_pem_private_key

            loaded = load_pem_private_key(self.private_key_pem, password=None)
            if not isinstance(loaded, rsa.RSAPrivateKey):
                raise ValueError("the fake signs with RS256: give it an RSA key")
            self._private = loaded
        else:
            self._private = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        self.kid = "fake-key-1"
        self._authority_key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        self._faults: dict[str, list[Fault]] = {}
        self._ids = itertools.count(1)
        self._tokens: dict[str, str] = {}  # issued token -> scope
        self.conversations: dict[str, dict[str, Any]] = {}  # id -> {user, tenant}
        self.activities: dict[tuple[str, str], dict[str, Any]] = {}  # (conv, id) -> activity
        # (conv, id) -> [created, last modified] (epoch seconds), for Graph's listing.
        self._stamps: dict[tuple[str, str], list[float]] = {}
        self._tenant_requests: deque[float] = deque()
        #: Connector calls answered 429 because the tenant went over its limit.
        self.throttled: list[str] = []
        self.held = 0  # sends delivered but not yet answered (``hold_sends_after``)
        self._release = asyncio.Event()
        self._changed = asyncio.Event()
        self._runner: web.AppRunner | None = None
        self.root = ""
        self.ca_file = ""

    # ----------------------------------------------------------------- lifecycle
    async def start(self, directory: Path, port: int = 0) -> FakeTeams:
        import trustme

        ca = trustme.CA()
        cert = ca.issue_cert("127.0.0.1", "localhost")
        self.ca_file = str(directory / "fake-teams-ca.pem")
        ca.cert_pem.write_to_path(self.ca_file)
        import ssl

        context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        cert.configure_cert(context)
        app = web.Application(client_max_size=4 * 1024 * 1024)
        app.router.add_get("/botframework/v1/.well-known/openidconfiguration", self._metadata)
        # Where Microsoft publishes them too (the SDK derives this path from the metadata URL).
        app.router.add_get("/botframework/v1/.well-known/keys", self._keys)
        app.router.add_get("/_stats", self._stats)
        app.router.add_post("/login/{tenant}/oauth2/v2.0/token", self._token)
        app.router.add_post("/teams/v3/conversations", self._create_conversation)
        app.router.add_post("/teams/v3/conversations/{conv}/activities", self._send)
        app.router.add_put("/teams/v3/conversations/{conv}/activities/{activity}", self._update)
        app.router.add_get("/graph/v1.0/users", self._users)
        app.router.add_get("/graph/v1.0/users/{id}", self._user)
        app.router.add_get("/graph/v1.0/users/{id}/mailboxSettings", self._mailbox)
        app.router.add_get("/graph/v1.0/chats/{chat}/messages", self._chat_messages)
        app.router.add_get("/graph/v1.0/users/{id}/chats/{chat}/messages", self._chat_messages)
        self._runner, port = await serve(app, "127.0.0.1", port, ssl_context=context)
        self.root = f"https://127.0.0.1:{port}/"
        return self

    async def stop(self) -> None:
        self._release.set()  # nothing left waiting on a held send
        if self._runner:
            await self._runner.cleanup()
            self._runner = None

    @property
    def metadata_url(self) -> str:
        return self.root + "botframework/v1/.well-known/openidconfiguration"

    @property
    def login_url(self) -> str:
        return self.root + "login"

    @property
    def graph_url(self) -> str:
        return self.root + "graph/v1.0/"

    @property
    def service_url(self) -> str:
        return self.root + "teams/"

    # ----------------------------------------------------------------- set-up helpers
    def add_user(self, user: GraphUser) -> GraphUser:
        self.users[user.id] = user
        return user

    def fail_next(self, method: str, fault: Fault | None = None, *, times: int = 1) -> None:
        """``method``: "token", "conversations.create", "activities.send",
        "activities.update", "graph", or "*"."""
        self._faults.setdefault(method, []).extend([fault or Fault()] * times)

    def release_held(self) -> None:
        """Answer the sends ``hold_sends_after`` kept waiting (and hold no more)."""
        self.hold_sends_after = None
        self._release.set()

    def clear_faults(self) -> None:
        self._faults.clear()

    def _fault(self, method: str) -> web.Response | None:
        for key in (method, "*"):
            queue = self._faults.get(key)
            if queue:
                fault = queue.pop(0)
                headers = {"Retry-After": fault.retry_after} if fault.retry_after else {}
                body = {"error": {"code": fault.code, "message": f"injected {fault.status}"}}
                return web.json_response(body, status=fault.status, headers=headers)
        return None

    def _over_tenant_limit(self, method: str) -> web.Response | None:
        """Teams' global per-tenant limit: more than ``tenant_limit`` requests in the last
        window (counted as they arrive, refused ones too) is a 429 with ``Retry-After``."""
        if self.tenant_limit is None:
            return None
        limit, window = self.tenant_limit
        now = time.monotonic()
        while self._tenant_requests and self._tenant_requests[0] <= now - window:
            self._tenant_requests.popleft()
        self._tenant_requests.append(now)
        if len(self._tenant_requests) <= limit:
            return None
        self.throttled.append(method)
        return web.json_response(
            {"error": {"code": "TooManyRequests", "message": "Too many requests for the tenant"}},
            status=429,
            headers={"Retry-After": f"{window:g}"},
        )

    def sign(
        self,
        activity: dict[str, Any],
        *,
        audience: str | None = None,
        service_url: str | None = None,
        issuer: str = ISSUER,
        lifetime: int = 3600,
        key: Any = None,
        kid: str | None = None,
    ) -> str:
        """The bearer token the connector would send with ``activity``."""
        now = int(time.time())
        claims = {
            "iss": issuer,
            "aud": audience or self.app_id,
            "serviceurl": service_url if service_url is not None else activity["serviceUrl"],
            "nbf": now - 5,
            "exp": now + lifetime,
            "iat": now - 5,
        }
        return jwt.encode(
            claims, key or self._private, algorithm="RS256", headers={"kid": kid or self.kid}
        )

    # ----------------------------------------------------------------- observation
    def record(self, method: str, request: web.Request, body: Any) -> None:
        self.calls.append(Call(method, request.path, body, dict(request.headers)))
        self._changed.set()

    def calls_to(self, method: str) -> list[Call]:
        return [c for c in self.calls if c.method == method]

    def sent_to(self, aad_id: str) -> list[dict[str, Any]]:
        """Activities posted into the 1:1 conversation with ``aad_id``, oldest first."""
        convs = {cid for cid, c in self.conversations.items() if c["user"] == aad_id}
        return [
            c.body
            for c in self.calls
            if c.method == "activities.send" and c.path.split("/")[4] in convs
        ]

    def message(self, aad_id: str, activity_id: str) -> dict[str, Any] | None:
        """The message ``activity_id`` in the 1:1 chat with ``aad_id`` as it reads now (after
        any updates), or None."""
        convs = [cid for cid, c in self.conversations.items() if c["user"] == aad_id]
        for conv in convs:
            if (conv, activity_id) in self.activities:
                return self.activities[(conv, activity_id)]
        return None

    def cards_to(self, aad_id: str) -> list[dict[str, Any]]:
        return [c for c in (card_of(a) for a in self.sent_to(aad_id)) if c is not None]

    async def wait_for(self, method: str, count: int = 1, timeout: float = 5.0) -> list[Call]:
        deadline = time.monotonic() + timeout
        while True:
            found = self.calls_to(method)
            if len(found) >= count:
                return found
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise AssertionError(f"expected {count} {method} calls, saw {len(found)}")
            self._changed.clear()
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._changed.wait(), remaining)

    async def _stats(self, _request: web.Request) -> web.Response:
        """What the connector received, for a benchmark in another process."""
        sends = self.calls_to("activities.send")
        return web.json_response(
            {
                "sends": len(sends),
                "recipients": len({c.path.split("/")[4] for c in sends}),
                "tokens": len(self.calls_to("token")),
                "key_fetches": len(self.calls_to("openid.keys")),
            }
        )

    # ----------------------------------------------------------------- OpenID and keys
    async def _metadata(self, request: web.Request) -> web.Response:
        self.record("openid.metadata", request, None)
        return web.json_response(
            {
                "issuer": ISSUER,
                "authorization_endpoint": "https://invalid.botframework.com",
                "jwks_uri": self.root + "botframework/v1/.well-known/keys",
                "id_token_signing_alg_values_supported": ["RS256"],
                "token_endpoint_auth_methods_supported": ["private_key_jwt"],
            }
        )

    async def _keys(self, request: web.Request) -> web.Response:
        self.record("openid.keys", request, None)
        if self.keys_delay:
            await asyncio.sleep(self.keys_delay)
        numbers = self._private.public_key().public_numbers()
        return web.json_response(
            {
                "keys": [
                    {
                        "kty": "RSA",
                        "use": "sig",
                        "kid": self.kid,
                        "x5t": self.kid,
                        "n": _b64(numbers.n),
                        "e": _b64(numbers.e),
                        "endorsements": list(self.endorsements),
                    }
                ]
            }
        )

    # ----------------------------------------------------------------- token authority
    async def _token(self, request: web.Request) -> web.Response:
        form = dict(await request.post())
        self.record("token", request, {k: v for k, v in form.items() if k != "client_secret"})
        fault = self._fault("token")
        if fault:
            return fault
        if request.match_info["tenant"] != self.tenant_id:
            return _aad_error(400, "invalid_request", "AADSTS90002: Tenant not found.")
        if form.get("grant_type") != "client_credentials":
            return _aad_error(400, "unsupported_grant_type", "AADSTS70003")
        if form.get("client_id") != self.app_id or form.get("client_secret") != self.app_password:
            return _aad_error(401, "invalid_client", "AADSTS7000215: Invalid client secret.")
        scope = str(form.get("scope") or "")
        if scope not in (BOT_SCOPE, GRAPH_SCOPE):
            return _aad_error(400, "invalid_scope", "AADSTS70011: The provided scope is invalid.")
        # Entra's access tokens are JWTs (the SDK decodes them): audience the resource, the
        # tenant's issuer, the app as ``appid``; signed with the authority's own key.
        now = int(time.time())
        token = jwt.encode(
            {
                "aud": scope.removesuffix("/.default"),
                "iss": f"https://sts.windows.net/{self.tenant_id}/",
                "appid": self.app_id,
                "tid": self.tenant_id,
                "iat": now,
                "nbf": now,
                "exp": now + 3599,
                "uti": uuid.uuid4().hex,
            },
            self._authority_key,
            algorithm="RS256",
            headers={"kid": "authority-key"},
        )
        self._tokens[token] = scope
        return web.json_response(
            {
                "token_type": "Bearer",
                "expires_in": 3599,
                "ext_expires_in": 3599,
                "access_token": token,
            }
        )

    def _authorised(self, request: web.Request, scope: str) -> bool:
        header = request.headers.get("Authorization", "")
        return self._tokens.get(header.removeprefix("Bearer ")) == scope

    # ----------------------------------------------------------------- connector
    async def _create_conversation(self, request: web.Request) -> web.Response:
        body = await request.json()
        self.record("conversations.create", request, body)
        if not self._authorised(request, BOT_SCOPE):
            return web.json_response({"message": "Authorization has been denied"}, status=401)
        fault = self._over_tenant_limit("conversations.create") or self._fault(
            "conversations.create"
        )
        if fault:
            return fault
        members = body.get("members") or []
        tenant = body.get("tenantId") or ((body.get("channelData") or {}).get("tenant") or {}).get(
            "id"
        )
        if len(members) != 1 or not tenant:
            return _bf_error(
                400, "BadArgument", "a 1:1 conversation needs one member and the tenant"
            )
        aad = _aad_of(members[0]["id"])
        if aad not in self.users or not self.users[aad].enabled:
            return _bf_error(403, "Forbidden", "User is not part of the tenant or blocked the bot")
        for conv_id, conv in self.conversations.items():
            if conv["user"] == aad:
                return web.json_response({"id": conv_id})
        conv_id = self.personal_conversation(aad)
        return web.json_response({"id": conv_id}, status=201)

    def personal_conversation(self, aad: str) -> str:
        for conv_id, conv in self.conversations.items():
            if conv["user"] == aad:
                return conv_id
        conv_id = conversation_id_for(aad)
        self.conversations[conv_id] = {"user": aad, "tenant": self.tenant_id}
        return conv_id

    def _check_activity(self, activity: dict[str, Any]) -> web.Response | None:
        size = len(json.dumps(activity).encode())
        if size > MAX_MESSAGE_BYTES:
            self.violations.append(f"message of {size} bytes")
            return _bf_error(413, "MessageSizeTooBig", "Message size too big")
        for attachment in activity.get("attachments") or []:
            if attachment.get("contentType") == CARD:
                problems = card_problems(attachment.get("content"))
                if problems:
                    self.violations.extend(problems)
                    return _bf_error(400, "BadSyntax", "; ".join(problems)[:300])
        return None

    async def _send(self, request: web.Request) -> web.Response:
        body = await request.json()
        self.record("activities.send", request, body)
        if not self._authorised(request, BOT_SCOPE):
            return web.json_response({"message": "Authorization has been denied"}, status=401)
        fault = self._over_tenant_limit("activities.send") or self._fault("activities.send")
        if fault:
            return fault
        conv = request.match_info["conv"]
        if conv not in self.conversations:
            known = next((u for u in self.users if conversation_id_for(u) == conv), None)
            if known is None:
                return _bf_error(404, "ConversationNotFound", "Conversation not found.")
            self.personal_conversation(known)
        refused = self._check_activity(body)
        if refused:
            return refused
        if self.send_latency:
            await asyncio.sleep(self.send_latency)
        activity_id = f"1{next(self._ids):012d}"
        self.activities[(conv, activity_id)] = body
        now = time.time()
        self._stamps[(conv, activity_id)] = [now, now]
        if self.hold_sends_after is not None and len(self._stamps) > self.hold_sends_after:
            self.held += 1
            self._changed.set()
            await self._release.wait()
        return web.json_response({"id": activity_id}, status=201)

    async def _update(self, request: web.Request) -> web.Response:
        body = await request.json()
        self.record("activities.update", request, body)
        if not self._authorised(request, BOT_SCOPE):
            return web.json_response({"message": "Authorization has been denied"}, status=401)
        fault = self._over_tenant_limit("activities.update") or self._fault("activities.update")
        if fault:
            return fault
        key = (request.match_info["conv"], request.match_info["activity"])
        if key[0] not in self.conversations:
            return _bf_error(404, "ConversationNotFound", "Conversation not found.")
        if key not in self.activities:
            return _bf_error(
                404, "ActivityNotFoundInConversation", "Message does not exist in the thread."
            )
        refused = self._check_activity(body)
        if refused:
            return refused
        self.activities[key] = body  # the same message: Teams keeps its id
        self._stamps[key][1] = time.time()
        return web.json_response({"id": key[1]})

    # ----------------------------------------------------------------- Graph
    def _graph_guard(self, request: web.Request, method: str = "") -> web.Response | None:
        """401 without Graph's token; then a fault queued for ``method`` or for "graph"."""
        if not self._authorised(request, GRAPH_SCOPE):
            return web.json_response(
                {
                    "error": {
                        "code": "InvalidAuthenticationToken",
                        "message": "Access token is empty.",
                    }
                },
                status=401,
            )
        return (self._fault(method) if method else None) or self._fault("graph")

    async def _user(self, request: web.Request) -> web.Response:
        self.record("graph.user", request, dict(request.query))
        refused = self._graph_guard(request)
        if refused:
            return refused
        user = self.users.get(request.match_info["id"])
        if user is None:
            return web.json_response(
                {"error": {"code": "Request_ResourceNotFound", "message": "does not exist"}},
                status=404,
            )
        return web.json_response(_selected(user.to_api(), request))

    async def _mailbox(self, request: web.Request) -> web.Response:
        self.record("graph.mailboxSettings", request, None)
        refused = self._graph_guard(request)
        if refused:
            return refused
        user = self.users.get(request.match_info["id"])
        if user is None or not user.mailbox:
            return web.json_response(
                {"error": {"code": "MailboxNotEnabledForRESTAPI", "message": "no mailbox"}},
                status=404,
            )
        return web.json_response({"timeZone": user.zone, "language": {"locale": "en-US"}})

    async def _users(self, request: web.Request) -> web.Response:
        self.record("graph.users", request, dict(request.query))
        refused = self._graph_guard(request, "graph.users")
        if refused:
            return refused
        try:
            wanted = user_filter(request.query.get("$filter", ""))
        except ValueError as exc:
            return _bf_error(400, "BadRequest", f"Invalid filter clause: {exc}")
        found = [_selected(u.to_api(), request) for u in self.users.values() if wanted(u)]
        return web.json_response({"value": found[: int(request.query.get("$top", "100"))]})

    # ----------------------------------------------------------------- Graph: chat messages
    def graph_chat_id(self, aad: str) -> str:
        """The 1:1 chat of ``aad`` with the bot, as Graph names it."""
        first, second = (self.app_id, aad) if self.chat_id_bot_first else (aad, self.app_id)
        return f"19:{first}_{second}@unq.gbl.spaces"

    async def _chat_messages(self, request: web.Request) -> web.Response:
        self.record("graph.chatMessages", request, dict(request.query))
        refused = self._graph_guard(request)
        if refused:
            return refused
        if not self.chat_messages_granted:
            return _graph_error(
                403,
                "Forbidden",
                "Missing role permissions on the request. API requires one of"
                " 'Chat.Read.WhereInstalled, Chat.ReadWrite.WhereInstalled, ChatMessage.Read.All,"
                " Chat.Read.All, Chat.ReadWrite.All, ChatMessage.Read.Chat'. Roles on the request"
                " 'User.Read.All, MailboxSettings.Read'.",
            )
        chat_id = request.match_info["chat"]
        conv = next(
            (c for c, v in self.conversations.items() if self.graph_chat_id(v["user"]) == chat_id),
            None,
        )
        if conv is None:
            return _graph_error(404, "NotFound", f"Chat {chat_id} not found.")
        order = request.query.get("$orderby", "lastModifiedDateTime desc").split()
        if (
            len(order) != 2
            or order[1] != "desc"
            or order[0]
            not in (
                "createdDateTime",
                "lastModifiedDateTime",
            )
        ):
            return _graph_error(
                400,
                "BadRequest",
                "Only descending order by createdDateTime or lastModifiedDateTime is supported.",
            )
        try:
            top = int(request.query.get("$top", GRAPH_DEFAULT_TOP))
            offset = int(base64.b64decode(request.query.get("$skiptoken", "MA==")).decode())
        except ValueError:
            return _graph_error(400, "BadRequest", "Invalid $top or $skiptoken.")
        if not 1 <= top <= GRAPH_MAX_TOP:
            return _graph_error(400, "BadRequest", f"$top must be between 1 and {GRAPH_MAX_TOP}.")
        when = 0 if order[0] == "createdDateTime" else 1
        keys = sorted(
            (k for k in self._stamps if k[0] == conv),
            key=lambda k: (self._stamps[k][when], k[1]),
            reverse=True,
        )
        page = [self._chat_message(chat_id, k) for k in keys[offset : offset + top]]
        answer: dict[str, Any] = {
            "@odata.context": f"{self.graph_url}$metadata#chats('{quote(chat_id)}')/messages",
            "@odata.count": len(page),
            "value": page,
        }
        if offset + top < len(keys):
            token = base64.b64encode(str(offset + top).encode()).decode()
            answer["@odata.nextLink"] = (
                f"{self.graph_url}chats/{quote(chat_id, safe='')}/messages?$top={top}"
                f"&$orderby={quote(' '.join(order))}&$skiptoken={quote(token, safe='')}"
            )
        return web.json_response(answer)

    def _chat_message(self, chat_id: str, key: tuple[str, str]) -> dict[str, Any]:
        """A message the bot sent, as Graph's chatMessage resource shows it."""
        activity = self.activities[key]
        created, modified = self._stamps[key]
        attachments = [
            {
                "id": uuid.uuid5(uuid.NAMESPACE_URL, f"{key}:{i}").hex,
                "contentType": a.get("contentType"),
                "contentUrl": None,
                # Graph gives a card as a JSON string, not as an object.
                "content": json.dumps(a.get("content")),
                "name": None,
                "thumbnailUrl": None,
                "teamsAppId": None,
            }
            for i, a in enumerate(activity.get("attachments") or [])
        ]
        body = "".join(f'<attachment id="{a["id"]}"></attachment>' for a in attachments)
        return {
            "id": key[1],
            "replyToId": None,
            "etag": key[1],
            "messageType": "message",
            "createdDateTime": _graph_time(created),
            "lastModifiedDateTime": _graph_time(modified),
            "lastEditedDateTime": None if modified == created else _graph_time(modified),
            "deletedDateTime": None,
            "subject": None,
            "summary": activity.get("summary"),
            "chatId": chat_id,
            "importance": "normal",
            "locale": "en-us",
            "webUrl": None,
            "channelIdentity": None,
            "policyViolation": None,
            "eventDetail": None,
            "from": {
                "application": {
                    "@odata.type": "#microsoft.graph.teamworkApplicationIdentity",
                    "id": self.app_id,
                    "displayName": "HireBot",
                    "applicationIdentityType": "bot",
                },
                "device": None,
                "user": None,
            },
            "body": {"contentType": "html", "content": body or (activity.get("text") or "")},
            "attachments": attachments,
            "mentions": [],
            "reactions": [],
        }


def _graph_time(epoch: float) -> str:
    """Graph's timestamps: UTC, milliseconds, ``Z``."""
    moment = datetime.fromtimestamp(epoch, UTC)
    return moment.strftime("%Y-%m-%dT%H:%M:%S.") + f"{moment.microsecond // 1000:03d}Z"


def _graph_error(status: int, code: str, message: str) -> web.Response:
    return web.json_response({"error": {"code": code, "message": message}}, status=status)


#: ``prop eq 'literal'``: a quote inside the literal is doubled (OData).
_EQ = re.compile(r"\s*(\w+)\s+eq\s+'((?:[^']|'')*)'\s*", re.IGNORECASE)
_STARTSWITH = re.compile(r"\s*startswith\(\s*displayName\s*,\s*'((?:[^']|'')*)'\s*\)\s*", re.I)
_OR = re.compile(r"or\b", re.IGNORECASE)
#: The users' properties the fake filters on with ``eq`` (Graph supports more).
_EQ_PROPERTIES = {"mail": "mail", "userprincipalname": "upn"}


def user_filter(text: str) -> Callable[[GraphUser], bool]:
    """What ``$filter`` keeps: ``startswith(displayName,'…')``, or ``eq`` clauses on mail and
    userPrincipalName joined by ``or``. Raises ValueError for anything else."""
    if not text.strip():
        return lambda _user: True
    start = _STARTSWITH.fullmatch(text)
    if start:
        prefix = start.group(1).replace("''", "'").casefold()
        return lambda user: user.name.casefold().startswith(prefix)
    clauses: list[tuple[str, str]] = []
    position = 0
    while True:
        clause = _EQ.match(text, position)
        if clause is None:
            raise ValueError(f"syntax error at position {position}")
        name = _EQ_PROPERTIES.get(clause.group(1).casefold())
        if name is None:
            raise ValueError(f"unsupported property {clause.group(1)!r}")
        clauses.append((name, clause.group(2).replace("''", "'").casefold()))
        position = clause.end()
        if position == len(text):
            break
        joined = _OR.match(text, position)
        if joined is None:
            raise ValueError(f"syntax error at position {position}")
        position = joined.end()

    def keeps(user: GraphUser) -> bool:
        values = {"mail": user.mail.casefold(), "upn": (user.upn or user.mail).casefold()}
        return any(values[name] == literal for name, literal in clauses)

    return keeps


def _selected(entry: dict[str, Any], request: web.Request) -> dict[str, Any]:
    """Only the properties ``$select`` names (Graph's names are case-insensitive)."""
    select = request.query.get("$select")
    if not select:
        return entry
    wanted = {name.strip().casefold() for name in select.split(",")}
    return {k: v for k, v in entry.items() if k.casefold() in wanted}


def conversation_id_for(aad: str) -> str:
    """The fake's 1:1 conversation id for a person (Teams' look like ``a:1…``); the same every
    time, so a benchmark in another process can name the chats the fake will accept."""
    return f"a:1{aad.replace('-', '')}"


def _aad_of(member_id: str) -> str:
    """Members are named by their AAD object id (or a ``29:`` id the fake maps the same way)."""
    return member_id.removeprefix("29:")


def _aad_error(status: int, error: str, description: str) -> web.Response:
    return web.json_response(
        {"error": error, "error_description": description, "error_codes": [0]}, status=status
    )


def _bf_error(status: int, code: str, message: str) -> web.Response:
    return web.json_response({"error": {"code": code, "message": message}}, status=status)


def card_of(activity: dict[str, Any]) -> dict[str, Any] | None:
    for attachment in activity.get("attachments") or []:
        if attachment.get("contentType") == CARD:
            return attachment.get("content")
    return None
