"""The Teams side of the chat-platform port: render a notice as an Adaptive Card, send it 1:1.

A delivery is named by the person's Azure AD object id (``channel``) and the activity id
(``message_id``); the conversation itself is looked up from the stored reference, so an update
in place finds it again whatever the length of Teams' conversation ids.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Sequence
from datetime import datetime

from bot.people import Directory, Person
from bot.platform import Delivery, Notice, Posted
from bot.teams.cards import card_problems, fill_mentions, mentioned, message
from bot.teams.connector import Connector, RecipientGone, Rejected
from bot.teams.notices import render
from bot.teams.references import References

log = logging.getLogger(__name__)

#: Names in a card are looked up for at most this long (then shown as "someone").
NAME_BUDGET = 1.5


class TeamsPlatform:
    def __init__(
        self, connector: Connector, references: References, directory: Directory, bot_id: str
    ) -> None:
        self.connector = connector
        self.references = references
        self.directory = directory
        self.bot_id = bot_id

    async def activity_for(self, notice: Notice, reader: Person) -> dict:
        summary, content = render(notice, reader)
        ids = mentioned(json.dumps(content, ensure_ascii=False))
        if ids:
            people = await self.directory.people(ids, within=NAME_BUDGET)
            names = {i: p.name for i, p in people.items() if p.known}
            content = fill_mentions(content, names)
        problems = card_problems(content)
        if problems:  # a bug of HireBot's: never send what Teams would refuse
            raise Rejected("card", "; ".join(problems)[:300])
        return message(content, summary)

    async def conversation(self, aad_object_id: str) -> tuple[str, str]:
        """(serviceUrl, 1:1 conversation id) for a person, creating the chat when missing."""
        row = await self.references.find(aad_object_id)
        if row is None:
            raise RecipientGone(
                "conversations.create",
                f"no conversation reference for {aad_object_id}"
                " (HireBot is not installed for them or any team they are in)",
            )
        if row.conversation_id:
            return row.service_url, row.conversation_id
        conversation_id = await self.connector.create_conversation(
            row.service_url, bot_id=row.bot_id, user_id=row.user_id, tenant_id=row.tenant_id
        )
        await self.references.set_conversation(row, conversation_id)
        return row.service_url, conversation_id

    async def send_direct(
        self, recipient: Person, notice: Notice, *, nudge_ids: Sequence[int] = ()
    ) -> Delivery:
        activity = await self.activity_for(notice, recipient)
        replaces = getattr(notice, "replaces", None)
        if isinstance(replaces, Delivery):
            service_url, conversation_id = await self.conversation(replaces.channel)
            await self.connector.update(service_url, conversation_id, replaces.message_id, activity)
            return replaces
        service_url, conversation_id = await self.conversation(recipient.id)
        activity_id = await self.connector.send(service_url, conversation_id, activity)
        return Delivery(channel=recipient.id, message_id=activity_id)

    async def posted_since(self, recipient: Person, since: datetime) -> list[Posted]:
        """Teams gives bots no history of their 1:1 chats (Graph's chat messages need a
        protected permission), so nothing is found: a takeover sends again, and a rare double
        is preferred to a lost message."""
        return []
