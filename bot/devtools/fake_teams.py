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
  ``Retry-After``; an update of an unknown activity is 404;
- Graph wants its own token (``https://graph.microsoft.com/.default``); ``mailboxSettings``
  names zones the Windows way ("Pacific Standard Time"); a user without a mailbox answers 404
  ``MailboxNotEnabledForRESTAPI`` there; ``GET /users`` filters with ``startswith(displayName,
  '…')`` or with ``mail eq '…'`` / ``userPrincipalName eq '…'`` joined by ``or`` (string
  literals in single quotes, a quote inside doubled; compared case-insensitively, as the
  directory does), answers ``{"value": [...]}`` (empty when nobody matches) and 400
  ``BadRequest`` for a filter it cannot parse; ``$select`` keeps only the properties named.

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
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

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
        self._runner, port = await serve(app, "127.0.0.1", port, ssl_context=context)
        self.root = f"https://127.0.0.1:{port}/"
        return self

    async def stop(self) -> None:
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
        fault = self._fault("conversations.create")
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
        fault = self._fault("activities.send")
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
        return web.json_response({"id": activity_id}, status=201)

    async def _update(self, request: web.Request) -> web.Response:
        body = await request.json()
        self.record("activities.update", request, body)
        if not self._authorised(request, BOT_SCOPE):
            return web.json_response({"message": "Authorization has been denied"}, status=401)
        fault = self._fault("activities.update")
        if fault:
            return fault
        key = (request.match_info["conv"], request.match_info["activity"])
        if key not in self.activities:
            return _bf_error(404, "ActivityNotFoundInConversation", "Unknown activity")
        refused = self._check_activity(body)
        if refused:
            return refused
        self.activities[key] = body
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
