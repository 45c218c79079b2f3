"""A fake Slack Web API on loopback: answers the methods HireBot uses and records every call.

The bot reaches it through ``SLACK_API_URL`` exactly as it reaches Slack, so tests, the demo and
the benchmarks exercise the real HTTP client, its retry handlers and its error handling. It
validates Block Kit the way Slack does (``invalid_blocks``) and can inject faults: 429 with
Retry-After, 5xx, slow answers and dropped connections.
"""

from __future__ import annotations

import asyncio
import contextlib
import itertools
import json
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qsl

from aiohttp import web
from slack_sdk.errors import SlackObjectFormationError
from slack_sdk.models.blocks import Block
from slack_sdk.models.views import View

MAX_MESSAGE_BLOCKS = 50
MAX_VIEW_BLOCKS = 100
_JSON_ARGS = ("blocks", "attachments", "view", "users", "files", "metadata")


@dataclass
class FakeUser:
    id: str
    real_name: str
    title: str = ""
    tz: str = "America/New_York"
    is_bot: bool = False
    deleted: bool = False
    email: str = ""  # profile.email, readable with users:read.email

    def to_api(self) -> dict[str, Any]:
        profile: dict[str, Any] = {
            "real_name": self.real_name,
            "display_name": self.real_name.split()[0],
            "title": self.title,
        }
        if self.email:
            profile["email"] = self.email
        return {
            "id": self.id,
            "name": self.real_name.lower().replace(" ", "."),
            "real_name": self.real_name,
            "tz": self.tz,
            "is_bot": self.is_bot,
            "deleted": self.deleted,
            "profile": profile,
        }


@dataclass
class Call:
    """One request the bot made: the method (or ``response_url``) and its decoded arguments."""

    method: str
    args: dict[str, Any]
    at: float
    ok: bool = True
    error: str | None = None


@dataclass
class Fault:
    """What to do instead of answering normally, for the next matching call."""

    status: int = 500
    retry_after: int | None = None
    error: str | None = None  # a 200 with ok=false and this error
    delay: float = 0.0  # answer late (client timeouts)
    disconnect: bool = False  # drop the connection without answering
    where: Callable[[dict[str, Any]], bool] | None = None  # only calls whose arguments match


@dataclass
class FakeSlack:
    users: dict[str, FakeUser] = field(default_factory=dict)
    latency: float = 0.0
    team_id: str = "T0HIREBOT"
    bot_user_id: str = "UHIREBOT"
    calls: list[Call] = field(default_factory=list)
    violations: list[str] = field(default_factory=list)

    def __post_init__(self) -> None:
        self._faults: dict[str, list[Fault]] = {}
        self._gates: dict[str, asyncio.Event] = {}
        self._ts = itertools.count(1)
        self._view_ids = itertools.count(1)
        self._changed = asyncio.Event()
        #: Web API calls being answered right now, and the most there were at once.
        self.in_flight = 0
        self.peak_in_flight = 0
        self.messages: dict[tuple[str, str], dict[str, Any]] = {}
        self._file_names: dict[str, str] = {}
        #: Files shared through the external upload flow: id -> name, channel, bytes, deleted.
        self.files: dict[str, dict[str, Any]] = {}
        self.views: dict[str, dict[str, Any]] = {}
        self.home: dict[str, dict[str, Any]] = {}
        self._runner: web.AppRunner | None = None
        self.base_url = ""

    # ----------------------------------------------------------------- lifecycle
    async def start(self, host: str = "127.0.0.1", port: int = 0) -> str:
        app = web.Application(client_max_size=8 * 1024 * 1024)
        app.router.add_post("/api/{method}", self._handle_api)
        app.router.add_get("/api/{method}", self._handle_api)
        app.router.add_post("/response/{key}", self._handle_response_url)
        app.router.add_post("/upload/{file_id}", self._handle_upload)
        self._runner = web.AppRunner(app, access_log=None)
        await self._runner.setup()
        site = web.TCPSite(self._runner, host, port)
        await site.start()
        sockets = site._server.sockets  # type: ignore[union-attr]  # started just above
        bound_port = sockets[0].getsockname()[1]
        self.root = f"http://{host}:{bound_port}/"
        self.base_url = self.root + "api/"
        return self.base_url

    async def stop(self) -> None:
        if self._runner:
            await self._runner.cleanup()
            self._runner = None

    # ----------------------------------------------------------------- set-up helpers
    def add_user(self, user: FakeUser) -> FakeUser:
        self.users[user.id] = user
        return user

    def fail_next(self, method: str, fault: Fault | None = None, *, times: int = 1) -> None:
        """Make the next ``times`` calls to ``method`` (or ``"*"`` for any) misbehave; a fault
        with ``where`` waits for a call whose arguments match it."""
        self._faults.setdefault(method, []).extend([fault or Fault()] * times)

    def hold(self, method: str) -> asyncio.Event:
        """Keep every call to ``method`` waiting, unanswered, until the returned event is set:
        Slack as slow as a test needs, with no clock involved."""
        gate = self._gates[method] = asyncio.Event()
        return gate

    def clear_faults(self, method: str = "*") -> None:
        """Forget the faults still queued for ``method`` (all methods by default)."""
        if method == "*":
            self._faults.clear()
        else:
            self._faults.pop(method, None)

    def response_url(self, key: str) -> str:
        return f"{self.root}response/{key}"

    # ----------------------------------------------------------------- inspection helpers
    def calls_to(self, method: str, **match: Any) -> list[dict[str, Any]]:
        """Arguments of successful calls to ``method`` whose args include ``match``."""
        return [
            c.args
            for c in self.calls
            if c.method == method and c.ok and all(c.args.get(k) == v for k, v in match.items())
        ]

    def dms_to(self, user_id: str) -> list[dict[str, Any]]:
        """Messages posted to a user's DM (by user ID or by the ``conversations.open`` channel)."""
        return self.calls_to("chat.postMessage", channel=dm_channel(user_id))

    async def wait_for(
        self,
        method: str,
        count: int = 1,
        *,
        timeout: float = 5.0,
        where: Callable[[dict[str, Any]], bool] | None = None,
    ) -> list[dict[str, Any]]:
        """Wait until ``count`` matching successful calls were made (listeners run after ack)."""
        deadline = time.monotonic() + timeout
        while True:
            found = [a for a in self.calls_to(method) if where is None or where(a)]
            if len(found) >= count:
                return found
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                seen = sorted({c.method for c in self.calls})
                raise AssertionError(
                    f"expected {count} call(s) to {method}, saw {len(found)}; methods seen: {seen}"
                )
            self._changed.clear()
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._changed.wait(), remaining)

    # ----------------------------------------------------------------- HTTP handlers
    async def _handle_api(self, request: web.Request) -> web.StreamResponse:
        self.in_flight += 1
        self.peak_in_flight = max(self.peak_in_flight, self.in_flight)
        try:
            return await self._answer_api(request)
        finally:
            self.in_flight -= 1

    async def _answer_api(self, request: web.Request) -> web.StreamResponse:
        method = request.match_info["method"]
        args = await _decode(request)
        gate = self._gates.get(method)
        if gate is not None:
            await gate.wait()
        fault = self._take_fault(method, args)
        if self.latency:
            await asyncio.sleep(self.latency)
        if fault is not None:
            return await self._apply_fault(request, method, args, fault)
        if not request.headers.get("Authorization", "").startswith("Bearer x"):
            return self._record(method, args, {"ok": False, "error": "not_authed"})
        handler = getattr(self, "_m_" + method.replace(".", "_"), None)
        if handler is None:
            return self._record(method, args, {"ok": False, "error": "unknown_method"})
        return self._record(method, args, handler(args))

    async def _handle_response_url(self, request: web.Request) -> web.Response:
        args = await request.json()
        args["key"] = request.match_info["key"]
        problem = self._check_blocks(args.get("blocks"), MAX_MESSAGE_BLOCKS, "response_url")
        self._record("response_url", args, {"ok": problem is None, "error": problem})
        return web.Response(text="ok" if problem is None else problem)

    async def _handle_upload(self, request: web.Request) -> web.Response:
        body = await request.read()
        file_id = request.match_info["file_id"]
        self._record("upload", {"file_id": file_id, "bytes": body}, {})
        if file_id in self.files:
            self.files[file_id]["bytes"] = body
        return web.Response(text="OK")

    def _take_fault(self, method: str, args: dict[str, Any]) -> Fault | None:
        for key in (method, "*"):
            queue = self._faults.get(key) or []
            for index, fault in enumerate(queue):
                if fault.where is None or fault.where(args):
                    return queue.pop(index)
        return None

    async def _apply_fault(
        self, request: web.Request, method: str, args: dict[str, Any], fault: Fault
    ) -> web.StreamResponse:
        self.calls.append(Call(method, args, time.time(), ok=False, error=f"fault {fault}"))
        self._changed.set()
        if fault.delay:
            await asyncio.sleep(fault.delay)
        if fault.disconnect:
            assert request.transport is not None
            request.transport.close()
            return web.Response(status=500)
        if fault.error:
            return web.json_response({"ok": False, "error": fault.error})
        headers = {"Retry-After": str(fault.retry_after)} if fault.retry_after is not None else {}
        error = "ratelimited" if fault.status == 429 else "internal_error"
        return web.json_response(
            {"ok": False, "error": error}, status=fault.status, headers=headers
        )

    def _record(self, method: str, args: dict[str, Any], result: dict[str, Any]) -> web.Response:
        ok = bool(result.get("ok", True))
        self.calls.append(Call(method, args, time.time(), ok=ok, error=result.get("error")))
        self._changed.set()
        return web.json_response(result)

    # ----------------------------------------------------------------- validation
    def check_command_answer(self, body: dict[str, Any]) -> None:
        """A message a command's ack carries is shown like any message: Slack refuses the same
        invalid blocks (the user sees an error instead)."""
        self._check_blocks(body.get("blocks"), MAX_MESSAGE_BLOCKS, "command ack")

    def _check_blocks(self, blocks: Any, limit: int, where: str) -> str | None:
        if blocks is None:
            return None
        if not isinstance(blocks, list) or len(blocks) > limit:
            self.violations.append(f"{where}: {len(blocks)} blocks, limit {limit}")
            return "invalid_blocks"
        for raw in blocks:
            try:
                block = Block.parse(raw)
                if block is None:
                    raise SlackObjectFormationError(f"unknown block {raw.get('type')!r}")
                block.validate_json()
            except (SlackObjectFormationError, TypeError, AttributeError) as exc:
                self.violations.append(f"{where}: {exc}: {json.dumps(raw)[:300]}")
                return "invalid_blocks"
        return None

    def _check_view(self, view: dict[str, Any], where: str) -> str | None:
        try:
            View(**view).validate_json()
        except (SlackObjectFormationError, TypeError) as exc:
            self.violations.append(f"{where}: {exc}")
            return "invalid_arguments"
        return self._check_blocks(view.get("blocks", []), MAX_VIEW_BLOCKS, where)

    # ----------------------------------------------------------------- Web API methods
    def _m_auth_test(self, _args: dict[str, Any]) -> dict[str, Any]:
        return {
            "ok": True,
            "url": "https://hirebot-demo.slack.com/",
            "team": "HireBot Demo",
            "team_id": self.team_id,
            "user_id": self.bot_user_id,
            "bot_id": "BHIREBOT",
        }

    def _m_users_info(self, args: dict[str, Any]) -> dict[str, Any]:
        user = self.users.get(args.get("user", ""))
        if user is None:
            return {"ok": False, "error": "user_not_found"}
        return {"ok": True, "user": user.to_api()}

    def _m_conversations_open(self, args: dict[str, Any]) -> dict[str, Any]:
        users = args.get("users", "")
        users = users if isinstance(users, str) else ",".join(users)
        if "," in users or users not in self.users:
            return {"ok": False, "error": "user_not_found"}
        return {"ok": True, "channel": {"id": dm_channel(users)}}

    def _m_chat_postMessage(self, args: dict[str, Any]) -> dict[str, Any]:
        channel = args.get("channel")
        if not channel:
            return {"ok": False, "error": "channel_not_found"}
        if channel[:1] in "UW":  # posting to a user ID lands in the app's DM with them
            user = self.users.get(channel)
            if user is None or user.deleted:
                return {"ok": False, "error": "channel_not_found"}
            args["posted_to_user"] = channel
            args["channel"] = channel = dm_channel(channel)
        if not args.get("text") and not args.get("blocks"):
            return {"ok": False, "error": "no_text"}
        problem = self._check_blocks(args.get("blocks"), MAX_MESSAGE_BLOCKS, "chat.postMessage")
        if problem:
            return {"ok": False, "error": problem}
        if "metadata" in args and not _valid_metadata(args["metadata"]):
            return {"ok": False, "error": "invalid_metadata_format"}
        ts = self._next_ts()
        self.messages[(channel, ts)] = dict(args)
        return {"ok": True, "channel": channel, "ts": ts, "message": {"ts": ts, **args}}

    def _next_ts(self) -> str:
        """Message timestamps as Slack makes them: seconds since the epoch, now, and unique."""
        return f"{time.time() + next(self._ts) * 1e-6:.6f}"

    def _m_conversations_history(self, args: dict[str, Any]) -> dict[str, Any]:
        """A channel's messages newest first, after ``oldest``, paged by ``cursor``; message
        metadata only with ``include_all_metadata`` (as Slack does)."""
        channel = args.get("channel", "")
        if channel[:1] != "D":
            return {"ok": False, "error": "channel_not_found"}
        oldest = float(args.get("oldest") or 0)
        limit = min(int(args.get("limit") or 100), 999)
        with_metadata = str(args.get("include_all_metadata", "")).lower() in ("1", "true")
        found = sorted(
            (
                (ts, message)
                for (where, ts), message in self.messages.items()
                if where == channel and float(ts) > oldest
            ),
            key=lambda pair: float(pair[0]),
            reverse=True,
        )
        start = int(args.get("cursor") or 0)
        page = found[start : start + limit]
        messages = []
        for ts, message in page:
            shown: dict[str, Any] = {
                "type": "message",
                "ts": ts,
                "text": message.get("text", ""),
                "bot_id": "BHIREBOT",
                "user": self.bot_user_id,
            }
            if message.get("files"):
                shown["files"] = message["files"]
            if with_metadata and message.get("metadata"):
                shown["metadata"] = message["metadata"]
            messages.append(shown)
        more = start + limit < len(found)
        return {
            "ok": True,
            "messages": messages,
            "has_more": more,
            "response_metadata": {"next_cursor": str(start + limit) if more else ""},
        }

    def _m_chat_update(self, args: dict[str, Any]) -> dict[str, Any]:
        key = (args.get("channel", ""), args.get("ts", ""))
        if key not in self.messages:
            return {"ok": False, "error": "message_not_found"}
        problem = self._check_blocks(args.get("blocks"), MAX_MESSAGE_BLOCKS, "chat.update")
        if problem:
            return {"ok": False, "error": problem}
        self.messages[key].update(args)
        return {"ok": True, "channel": key[0], "ts": key[1]}

    def _m_chat_postEphemeral(self, args: dict[str, Any]) -> dict[str, Any]:
        problem = self._check_blocks(args.get("blocks"), MAX_MESSAGE_BLOCKS, "chat.postEphemeral")
        if problem:
            return {"ok": False, "error": problem}
        return {"ok": True, "message_ts": self._next_ts()}

    def _open_view(self, args: dict[str, Any], where: str) -> dict[str, Any]:
        view = args.get("view") or {}
        problem = self._check_view(view, where)
        if problem:
            return {"ok": False, "error": problem}
        view_id = args.get("view_id") or f"V{next(self._view_ids):06d}"
        # Slack answers with the view, its id and a fresh hash; the call's record shows them
        # too, so a test can submit the view as Slack would (with its id and hash).
        view.update(id=view_id, hash=f"h{time.monotonic_ns()}")
        stored = dict(view)
        self.views[view_id] = stored
        return {"ok": True, "view": stored}

    def _m_views_open(self, args: dict[str, Any]) -> dict[str, Any]:
        if not args.get("trigger_id"):
            return {"ok": False, "error": "invalid_trigger_id"}
        return self._open_view(args, "views.open")

    def _m_views_push(self, args: dict[str, Any]) -> dict[str, Any]:
        return self._m_views_open(args)

    def _m_views_update(self, args: dict[str, Any]) -> dict[str, Any]:
        if args.get("view_id") not in self.views:
            return {"ok": False, "error": "not_found"}
        return self._open_view(args, "views.update")

    def _m_views_publish(self, args: dict[str, Any]) -> dict[str, Any]:
        result = self._open_view(args, "views.publish")
        if result["ok"]:
            self.home[args.get("user_id", "")] = result["view"]
        return result

    def _m_users_lookupByEmail(self, args: dict[str, Any]) -> dict[str, Any]:
        """Slack's ``users.lookupByEmail`` (scope ``users:read.email``): the active or deleted
        account with that email, else ``users_not_found``."""
        email = str(args.get("email", "")).strip().casefold()
        for user in self.users.values():
            if email and user.email.casefold() == email:
                return {"ok": True, "user": user.to_api()}
        return {"ok": False, "error": "users_not_found"}

    def _m_files_delete(self, args: dict[str, Any]) -> dict[str, Any]:
        """``files.delete``: a bot may delete the files it shared; the file disappears from the
        conversation it was shared in."""
        file_id = str(args.get("file", ""))
        found = self.files.get(file_id)
        if found is None or found.get("deleted"):
            return {"ok": False, "error": "file_not_found"}
        found["deleted"] = True
        for key, message in list(self.messages.items()):
            if any(f.get("id") == file_id for f in message.get("files") or []):
                del self.messages[key]
        return {"ok": True}

    def files_in(self, channel: str, *, include_deleted: bool = False) -> list[dict[str, Any]]:
        """Files shared in a channel (a DM), in upload order."""
        return [
            {"id": file_id, **f}
            for file_id, f in self.files.items()
            if f.get("channel") == channel and (include_deleted or not f.get("deleted"))
        ]

    def _m_files_getUploadURLExternal(self, args: dict[str, Any]) -> dict[str, Any]:
        file_id = f"F{next(self._ts):08d}"
        self._file_names[file_id] = str(args.get("filename", ""))
        self.files[file_id] = {"name": self._file_names[file_id], "channel": None, "bytes": b""}
        return {"ok": True, "upload_url": f"{self.root}upload/{file_id}", "file_id": file_id}

    def _m_files_completeUploadExternal(self, args: dict[str, Any]) -> dict[str, Any]:
        """Completing an upload to a channel shares the file there: a message carrying it."""
        files = [
            {"id": f.get("id"), "title": f.get("title"), "name": self._file_names.get(f.get("id"))}
            for f in args.get("files") or []
        ]
        channel = args.get("channel_id")
        for f in files:
            if f["id"] in self.files:
                self.files[f["id"]].update(channel=channel, title=f.get("title"))
        if channel:
            self.messages[(channel, self._next_ts())] = {
                "text": args.get("initial_comment", ""),
                "files": files,
            }
        return {"ok": True, "files": [{"id": f["id"], "title": f["title"]} for f in files]}


def _valid_metadata(metadata: Any) -> bool:
    """Slack's message metadata: an ``event_type`` and an ``event_payload`` object."""
    return (
        isinstance(metadata, dict)
        and isinstance(metadata.get("event_type"), str)
        and isinstance(metadata.get("event_payload"), dict)
    )


def dm_channel(user_id: str) -> str:
    """The fake's stable DM channel id for a user."""
    return "D" + user_id.removeprefix("U").removeprefix("W")


async def _decode(request: web.Request) -> dict[str, Any]:
    raw = await request.read()
    args: dict[str, Any] = dict(request.query)  # slack_sdk sends some arguments as query params
    if request.content_type == "application/json":
        args.update(json.loads(raw or b"{}"))
    elif raw:
        args.update(parse_qsl(raw.decode(), keep_blank_values=True))
    for key in _JSON_ARGS:
        value = args.get(key)
        if isinstance(value, str) and value[:1] in "[{":
            args[key] = json.loads(value)
    return args
