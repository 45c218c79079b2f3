"""Signed Slack requests against the real ASGI app, the way Slack itself sends them.

Used by the tests, the demo and the benchmarks to play the part of Slack.
"""

from __future__ import annotations

import hashlib
import itertools
import json
import time
from typing import Any
from urllib.parse import urlencode

import httpx
from slack_sdk.signature import SignatureVerifier

from bot.devtools.fake_slack import FakeSlack

_trigger = itertools.count(1)


def sign(secret: str, body: str, timestamp: int | None = None) -> dict[str, str]:
    ts = str(int(time.time()) if timestamp is None else timestamp)
    signature = SignatureVerifier(secret).generate_signature(timestamp=ts, body=body)
    assert signature is not None  # None only without a secret
    return {"X-Slack-Request-Timestamp": ts, "X-Slack-Signature": signature}


class SlackWire:
    """Plays Slack: posts signed commands, interactions and events to ``/slack/events``."""

    def __init__(self, http: httpx.AsyncClient, secret: str, fake: FakeSlack) -> None:
        self.http = http
        self.secret = secret
        self.fake = fake
        self.team_id = fake.team_id

    async def post(
        self,
        body: str,
        content_type: str,
        *,
        timestamp: int | None = None,
        secret: str | None = None,
    ) -> httpx.Response:
        headers = {"Content-Type": content_type, **sign(secret or self.secret, body, timestamp)}
        return await self.http.post("/slack/events", content=body, headers=headers)

    async def command(self, user_id: str, text: str, **kwargs: Any) -> httpx.Response:
        trigger = f"trigger-{next(_trigger)}"
        form = {
            "token": "legacy",
            "team_id": self.team_id,
            "team_domain": "hirebot-demo",
            "channel_id": "C0GENERAL",
            "channel_name": "general",
            "user_id": user_id,
            "user_name": user_id.lower(),
            "command": "/panel",
            "text": text,
            "api_app_id": "A0HIREBOT",
            "response_url": self.fake.response_url(trigger),
            "trigger_id": trigger,
        }
        response = await self.post(urlencode(form), "application/x-www-form-urlencoded", **kwargs)
        if response.headers.get("content-type", "").startswith("application/json"):
            self.fake.check_command_answer(response.json())
        return response

    async def interaction(self, payload: dict[str, Any]) -> httpx.Response:
        payload.setdefault("team", {"id": self.team_id, "domain": "hirebot-demo"})
        payload.setdefault("api_app_id", "A0HIREBOT")
        payload.setdefault("token", "legacy")
        body = urlencode({"payload": json.dumps(payload)})
        return await self.post(body, "application/x-www-form-urlencoded")

    async def submit(
        self, user_id: str, view: dict[str, Any], values: dict[str, Any]
    ) -> httpx.Response:
        """Submit a modal the bot opened, with ``values`` by block id, typed per element.

        Like Slack, the submission carries the view's id and hash: those the fake gave it when
        the bot opened it (the recorded ``views.open`` call shows them), or, for a view pushed
        in an ack, ones derived from its content, so the same view submitted twice carries the
        same id and hash."""
        submitted = {**self._as_shown(view), "state": {"values": state_values(view, values)}}
        return await self.interaction(
            {
                "type": "view_submission",
                "user": {"id": user_id, "team_id": self.team_id},
                "view": submitted,
                "trigger_id": f"trigger-{next(_trigger)}",
            }
        )

    def _as_shown(self, view: dict[str, Any]) -> dict[str, Any]:
        if view.get("id") and view.get("hash"):
            return view
        digest = hashlib.sha1(json.dumps(view, sort_keys=True).encode()).hexdigest()
        return {**view, "id": f"V{digest[:10].upper()}", "hash": digest[10:30]}

    async def click(
        self,
        user_id: str,
        action_id: str,
        value: str = "",
        *,
        container: dict[str, Any] | None = None,
        message: dict[str, Any] | None = None,
        view: dict[str, Any] | None = None,
    ) -> httpx.Response:
        """A button click. Like Slack, only clicks in a message carry a ``response_url``;
        clicks in a view (App Home, a modal) do not, so listeners must answer another way."""
        trigger = f"trigger-{next(_trigger)}"
        container = container or {"type": "message"}
        payload: dict[str, Any] = {
            "type": "block_actions",
            "user": {"id": user_id, "team_id": self.team_id},
            "trigger_id": trigger,
            "actions": [
                {
                    "type": "button",
                    "action_id": action_id,
                    "block_id": "b",
                    "value": value,
                    "action_ts": str(time.time()),
                }
            ],
            "container": container,
        }
        if container["type"] == "message":
            payload["response_url"] = self.fake.response_url(trigger)
        if message is not None:
            payload["message"] = message
            payload["channel"] = {"id": container.get("channel_id", "")}
        if view is not None:
            payload["view"] = view
        return await self.interaction(payload)

    async def options(self, user_id: str, action_id: str, query: str, view: dict[str, Any]):
        return await self.interaction(
            {
                "type": "block_suggestion",
                "user": {"id": user_id, "team_id": self.team_id},
                "action_id": action_id,
                "block_id": action_id,
                "value": query,
                "view": view,
            }
        )

    async def event(self, event: dict[str, Any]) -> httpx.Response:
        body = json.dumps(
            {
                "token": "legacy",
                "team_id": self.team_id,
                "api_app_id": "A0HIREBOT",
                "type": "event_callback",
                "event_id": f"Ev{next(_trigger)}",
                "event_time": int(time.time()),
                "event": event,
            }
        )
        return await self.post(body, "application/json")


def state_values(view: dict[str, Any], values: dict[str, Any]) -> dict[str, Any]:
    """Build ``view.state.values`` as Slack would for the given field values."""
    elements = {
        b["block_id"]: b["element"] for b in view.get("blocks", []) if b.get("type") == "input"
    }
    state: dict[str, Any] = {}
    for block_id, element in elements.items():
        value = values.get(block_id)
        kind = element["type"]
        action_id = element.get("action_id", block_id)
        if kind == "radio_buttons" and value is None:
            # Slack submits the preselected option of radio buttons nobody touched.
            entry = {"type": kind, "selected_option": element.get("initial_option")}
        elif kind in ("static_select", "external_select", "radio_buttons"):
            chosen = (
                {"value": value, "text": {"type": "plain_text", "text": str(value)}}
                if value
                else None
            )
            entry = {"type": kind, "selected_option": chosen}
        elif kind == "users_select":
            entry = {"type": kind, "selected_user": value}
        elif kind == "multi_users_select":
            entry = {"type": kind, "selected_users": list(value or [])}
        elif kind == "datepicker":
            entry = {"type": kind, "selected_date": value}
        elif kind == "timepicker":
            entry = {"type": kind, "selected_time": value}
        else:
            entry = {"type": kind, "value": None if value is None else str(value)}
        state[block_id] = {action_id: entry}
    return state
