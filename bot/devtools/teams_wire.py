"""Teams' side of the wire for tests, the demo and benchmarks: activities as the connector
sends them, signed with the fake's RS256 key, POSTed to the real ASGI app at /api/messages."""

from __future__ import annotations

import contextlib
import itertools
import os
import tempfile
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

import httpx

from bot.devtools.fake_teams import FakeTeams, GraphUser

# The Teams cast: the same hiring team, by Azure AD object id.
COORDINATOR = "c0000000-0000-4000-8000-000000000001"
HIRING_MANAGER = "c0000000-0000-4000-8000-000000000002"
RECRUITER = "c0000000-0000-4000-8000-000000000003"
PEER = "c0000000-0000-4000-8000-000000000004"
CROSS = "c0000000-0000-4000-8000-000000000005"
LEADER = "c0000000-0000-4000-8000-000000000006"
PEER2 = "c0000000-0000-4000-8000-000000000007"
ROUND1 = "c0000000-0000-4000-8000-000000000008"
OUTSIDER = "c0000000-0000-4000-8000-000000000009"

# Their mail is what the ATS knows them by (the same company's addresses as the Slack cast's);
# Graph matches it case-insensitively, so some are stored capitalised as Exchange often does.
CAST = (
    GraphUser(
        COORDINATOR,
        "Cora Coordinator",
        "Recruiting Coordinator",
        "Eastern Standard Time",
        email="Cora@acme.example",
    ),
    GraphUser(
        HIRING_MANAGER,
        "Hank Hiring",
        "Engineering Manager",
        "Eastern Standard Time",
        email="hank@acme.example",
    ),
    GraphUser(
        RECRUITER,
        "Rita Recruiter",
        "Senior Technical Recruiter",
        "Central Standard Time",
        email="rita@acme.example",
    ),
    GraphUser(
        PEER,
        "Pat Peer",
        "Senior Data Engineer",
        "W. Europe Standard Time",
        email="Pat@acme.example",
    ),
    GraphUser(
        CROSS,
        "Carlos Cross",
        "Product Manager",
        "Pacific Standard Time",
        email="carlos@acme.example",
    ),
    # Lee signs in with a name of their own; their mail is the address the ATS knows.
    GraphUser(
        LEADER,
        "Lee Leader",
        "VP Engineering",
        "America/New_York",
        email="lee@acme.example",
        upn="lleader@acme.onmicrosoft.example",
    ),
    GraphUser(
        PEER2,
        "Priya Peer",
        "Staff Data Engineer",
        "India Standard Time",
        email="priya@acme.example",
    ),
    GraphUser(
        ROUND1, "Ronda Round-One", "Data Engineer", "GMT Standard Time", email="ronda@acme.example"
    ),
    GraphUser(
        OUTSIDER,
        "Oliver Outsider",
        "Sales Director",
        "GMT Standard Time",
        email="oliver@acme.example",
    ),
)


def seed(fake: FakeTeams) -> FakeTeams:
    for user in CAST:
        fake.add_user(GraphUser(**user.__dict__))
    return fake


@asynccontextmanager
async def fake_teams_running() -> AsyncIterator[FakeTeams]:
    """The fake on loopback, its CA trusted through ``SSL_CERT_FILE`` while it runs."""
    with tempfile.TemporaryDirectory() as directory:
        fake = seed(FakeTeams())
        await fake.start(Path(directory))
        before = os.environ.get("SSL_CERT_FILE")
        os.environ["SSL_CERT_FILE"] = fake.ca_file
        try:
            yield fake
        finally:
            if before is None:
                os.environ.pop("SSL_CERT_FILE", None)
            else:
                os.environ["SSL_CERT_FILE"] = before
            await fake.stop()


def teams_settings(fake: FakeTeams) -> dict[str, Any]:
    return {
        "teams_app_id": fake.app_id,
        "teams_app_password": fake.app_password,
        "teams_tenant_id": fake.tenant_id,
        "teams_openid_metadata_url": fake.metadata_url,
        "teams_login_url": fake.login_url,
        "graph_api_url": fake.graph_url,
    }


@dataclass
class TeamsWire:
    http: httpx.AsyncClient
    fake: FakeTeams

    def __post_init__(self) -> None:
        self._ids = itertools.count(1)

    def activity(self, aad: str, kind: str, **fields: Any) -> dict[str, Any]:
        conversation = fields.pop("conversation", None) or {
            "id": self.fake.personal_conversation(aad),
            "conversationType": "personal",
            "tenantId": self.fake.tenant_id,
        }
        return {
            "type": kind,
            "id": f"f:{next(self._ids)}",
            "timestamp": datetime.now().astimezone().isoformat(),
            "serviceUrl": self.fake.service_url,
            "channelId": "msteams",
            "from": {"id": f"29:{aad}", "aadObjectId": aad, "name": self.name(aad)},
            "recipient": {"id": f"28:{self.fake.app_id}", "name": "HireBot"},
            "conversation": conversation,
            "channelData": {"tenant": {"id": self.fake.tenant_id}},
            "locale": "en-US",
            **fields,
        }

    def name(self, aad: str) -> str:
        user = self.fake.users.get(aad)
        return user.name if user else aad

    async def post(self, activity: dict[str, Any], token: str | None = None) -> httpx.Response:
        token = token if token is not None else self.fake.sign(activity)
        headers = {"Authorization": f"Bearer {token}"} if token else {}
        return await self.http.post("/api/messages", json=activity, headers=headers)

    async def install(self, aad: str) -> httpx.Response:
        return await self.post(self.activity(aad, "installationUpdate", action="add"))

    async def say(self, aad: str, text: str) -> httpx.Response:
        return await self.post(self.activity(aad, "message", text=text, textFormat="plain"))

    async def execute(self, aad: str, verb: str, data: dict[str, Any]) -> httpx.Response:
        value = {
            "action": {"type": "Action.Execute", "verb": verb, "data": data},
            "trigger": "manual",
        }
        return await self.post(
            self.activity(aad, "invoke", name="adaptiveCard/action", value=value)
        )

    async def refresh(self, aad: str, card: dict[str, Any]) -> httpx.Response:
        """What Teams sends when ``aad`` looks at ``card``: its refresh action, ``automatic``."""
        action = {"type": "Action.Execute", "id": "", **card["refresh"]["action"]}
        action.pop("title", None)
        value = {"action": action, "trigger": "automatic"}
        return await self.post(
            self.activity(aad, "invoke", name="adaptiveCard/action", value=value)
        )

    async def fetch(self, aad: str, data: dict[str, Any]) -> httpx.Response:
        value = {
            "data": {"msteams": {"type": "task/fetch"}, **data},
            "context": {"theme": "default"},
        }
        return await self.post(self.activity(aad, "invoke", name="task/fetch", value=value))

    async def submit(self, aad: str, data: dict[str, Any]) -> httpx.Response:
        value = {"data": data, "context": {"theme": "default"}}
        return await self.post(self.activity(aad, "invoke", name="task/submit", value=value))


with contextlib.suppress(ImportError):  # re-exported for tests
    from bot.devtools.fake_teams import Fault  # noqa: F401
