"""Conversation references: how HireBot reaches each person in Teams.

Stored when the app is installed for a person (``installationUpdate``) or a team
(``conversationUpdate`` with members added), and refreshed from every activity a person sends.
A person is their tenant and Azure AD object id; the reference keeps the ``serviceUrl`` their
tenant's traffic uses, the bot's and the person's Bot Framework ids, and the 1:1 chat once known.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import func, select

from bot.db import Database
from bot.models import Platform, TeamsConversation
from bot.workspaces import workspace_for


@dataclass(frozen=True)
class Member:
    aad_object_id: str
    user_id: str  # the Bot Framework id, "29:…"


def tenant_of(activity: dict[str, Any]) -> str:
    channel_data = activity.get("channelData") or {}
    return str(
        ((channel_data.get("tenant") or {}).get("id"))
        or (activity.get("conversation") or {}).get("tenantId")
        or ""
    ).lower()


def personal_conversation(activity: dict[str, Any]) -> str | None:
    conversation = activity.get("conversation") or {}
    if conversation.get("conversationType") == "personal":
        return str(conversation.get("id") or "") or None
    return None


def _insert(dialect: str) -> Any:
    """The dialect's INSERT, which knows ``ON CONFLICT``."""
    if dialect == "postgresql":
        from sqlalchemy.dialects.postgresql import insert as pg_insert

        return pg_insert
    from sqlalchemy.dialects.sqlite import insert as sqlite_insert

    return sqlite_insert


class References:
    def __init__(self, db: Database, tenant_id: str | None = None) -> None:
        self.db = db
        self.tenant_id = tenant_id
        #: What this process last stored per person: a message from someone whose reference
        #: has not changed (the usual case) costs no write.
        self._stored: dict[tuple[str, str], tuple[str, str, str, str | None, str]] = {}

    async def remember(
        self,
        *,
        tenant_id: str,
        members: list[Member],
        service_url: str,
        bot_id: str,
        conversation_id: str | None,
        source: str,
        now: datetime,
    ) -> int:
        """Store or refresh each member's reference; returns how many were stored."""
        # One row per person (an installer is also among the members a team install adds):
        # PostgreSQL's ON CONFLICT may not touch a row twice in one statement.
        unique = {m.aad_object_id: m for m in members if m.aad_object_id}
        members = [
            m
            for m in unique.values()
            if self._stored.get((tenant_id, m.aad_object_id))
            != (m.user_id, service_url, bot_id, conversation_id, source)
        ]
        if not members:
            return 0
        async with self.db.session() as session:
            workspace = await workspace_for(session, Platform.TEAMS, tenant_id, now)
            insert = _insert(self.db.dialect)
            statement = insert(TeamsConversation).values(
                [
                    {
                        "tenant_id": tenant_id,
                        "aad_object_id": m.aad_object_id,
                        "workspace_id": workspace.id,
                        "user_id": m.user_id,
                        "service_url": service_url,
                        "bot_id": bot_id,
                        "conversation_id": conversation_id,
                        "source": source,
                        "updated_at": now,
                    }
                    for m in members
                ]
            )
            # One statement, safe when two activities about the same person race (two
            # replicas, a team install and a message at once): the last one wins, and a known
            # 1:1 chat is never forgotten by a reference that doesn't name one.
            await session.execute(
                statement.on_conflict_do_update(
                    index_elements=["tenant_id", "aad_object_id"],
                    set_={
                        "user_id": statement.excluded.user_id,
                        "service_url": statement.excluded.service_url,
                        "bot_id": statement.excluded.bot_id,
                        "source": statement.excluded.source,
                        "updated_at": statement.excluded.updated_at,
                        "conversation_id": func.coalesce(
                            statement.excluded.conversation_id, TeamsConversation.conversation_id
                        ),
                    },
                )
            )
        stored = len(members)
        for member in members:
            key = (tenant_id, member.aad_object_id)
            self._stored[key] = (member.user_id, service_url, bot_id, conversation_id, source)
        return stored

    async def find(self, aad_object_id: str) -> TeamsConversation | None:
        """The person's reference: by primary key in the bot's tenant (a single-tenant bot),
        else the latest seen in any tenant."""
        async with self.db.session() as session:
            if self.tenant_id:
                return await session.get(TeamsConversation, (self.tenant_id, aad_object_id))
            return await session.scalar(
                select(TeamsConversation)
                .where(TeamsConversation.aad_object_id == aad_object_id)
                .order_by(TeamsConversation.updated_at.desc())
                .limit(1)
            )

    async def set_conversation(self, row: TeamsConversation, conversation_id: str) -> None:
        async with self.db.session() as session:
            stored = await session.get(TeamsConversation, (row.tenant_id, row.aad_object_id))
            if stored is not None:
                stored.conversation_id = conversation_id
