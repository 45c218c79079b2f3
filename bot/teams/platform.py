"""The Teams side of the chat-platform port: notices as Adaptive Cards, sent 1:1.

A delivery is named by the person's Azure AD object id (``channel``) and the activity id
(``message_id``); the conversation itself is looked up from the stored reference, so an update
in place finds it again whatever the length of Teams' conversation ids.

Files (the .ics invites): a bot can't attach a file to a 1:1 chat without the person first
accepting a consent card, so HireBot keeps the file for a week behind an unguessable link it
serves itself (``/files/{token}/{name}``, see ``bot.teams.files``) and sends a card with an
"Add to calendar" button. The invite's UID stays the panel's, so a new file updates or cancels
the same event.

Exactly once through a crash: each card is marked with the nudges it carries, or the file it
shares (``bot.teams.markers``), and ``posted_since`` reads the person's 1:1 chat back through
Graph (``bot.teams.history``), as Slack's adapter reads its DM.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Sequence
from datetime import datetime
from typing import Any

from bot.delivery import Delivery, FileToShare, Posted
from bot.people import Directory, Person
from bot.platform import Notice
from bot.teams import markers
from bot.teams.cards import (
    CARD_CONTENT_TYPE,
    card,
    card_problems,
    fill_mentions,
    heading,
    mentioned,
    message,
    note,
    open_url,
    plain,
    text,
)
from bot.teams.connector import Connector, RecipientGone, Rejected
from bot.teams.files import SharedFiles
from bot.teams.history import ChatHistory
from bot.teams.notices import render
from bot.teams.references import References

log = logging.getLogger(__name__)

#: Names in a card are looked up for at most this long (then shown as "someone").
NAME_BUDGET = 1.5


class TeamsPlatform:
    #: Teams allows a bot about 7 messages a second in one conversation.
    pace_per_recipient = 1 / 7

    def __init__(
        self,
        connector: Connector,
        references: References,
        directory: Directory,
        files: SharedFiles,
        history: ChatHistory | None = None,
    ) -> None:
        self.connector = connector
        self.references = references
        self.directory = directory
        self.files = files
        self.history = history
        #: The person's home card (``bot.teams.home.TeamsHome``), set where Teams is built.
        self.home: Any = None

    async def activity_for(
        self, notice: Notice, reader: Person, *, marker: str | None = None
    ) -> dict:
        summary, content = render(notice, reader)
        content = markers.mark(content, marker)
        ids = mentioned(json.dumps(content, ensure_ascii=False))
        if ids:
            people = await self.directory.people(ids, within=NAME_BUDGET)
            content = fill_mentions(content, {i: p.name for i, p in people.items() if p.known})
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

    async def _post(self, aad_object_id: str, activity: dict) -> Delivery:
        service_url, conversation_id = await self.conversation(aad_object_id)
        activity_id = await self.connector.send(service_url, conversation_id, activity)
        return Delivery(channel=aad_object_id, message_id=activity_id)

    async def send_direct(
        self, recipient: Person, notice: Notice, *, nudge_ids: Sequence[int] = ()
    ) -> Delivery:
        marker = markers.nudges_marker(nudge_ids)
        return await self._post(
            recipient.id, await self.activity_for(notice, recipient, marker=marker)
        )

    async def update(self, recipient: Person, where: Delivery, notice: Notice) -> Delivery:
        activity = await self.activity_for(notice, recipient)
        service_url, conversation_id = await self.conversation(where.channel)
        await self.connector.update(service_url, conversation_id, where.message_id, activity)
        return where

    async def send_file(self, recipient: Person, file: FileToShare) -> Delivery:
        shared = await self.files.share(recipient.id, file)
        body = [heading(plain(file.title, 150)), text(plain(file.comment, 500))]
        actions = []
        if shared:
            label = "Open the invite (.ics)" if file.name.endswith(".ics") else "Open the file"
            actions.append(open_url(label, shared[1]))
            body.append(note("The link works for a week."))
        else:
            body.append(note("Ask your HireBot admin to set HIREBOT_PUBLIC_URL to get a file."))
        content = markers.mark(card(body, actions), markers.file_marker(file.name))
        delivery = await self._post(recipient.id, message(content, file.title))
        if shared:
            await self.files.sent_in(shared[0], delivery.message_id)
        return delivery

    async def delete_file(self, where: Delivery) -> None:
        """Take a shared file back: its link stops working and its card says so. One already
        gone is no error."""
        if not await self.files.withdraw(where.channel, where.message_id):
            return
        content = card([text("This file was removed: it is no longer needed.")])
        service_url, conversation_id = await self.conversation(where.channel)
        await self.connector.update(
            service_url, conversation_id, where.message_id, message(content, "File removed")
        )

    async def reply_privately(self, recipient_id: str, words: str) -> None:
        await self._post(recipient_id, message(card([text(plain(words, 2000))]), words[:100]))

    async def posted_since(self, recipient: Person, since: datetime) -> list[Posted]:
        """HireBot's cards in its 1:1 chat with ``recipient`` since ``since``, with the nudges
        and the file each is marked with (Graph's chat messages; see ``bot.teams.history``).
        Nothing is found without a history reader, or without Graph's permission: a takeover
        then sends again, a rare double being better than a lost message."""
        if self.history is None:
            return []
        row = await self.references.find(recipient.id)
        if row is None:
            return []
        messages = await self.history.bot_messages_since(recipient.id, row.conversation_id, since)
        found: list[Posted] = []
        for posted in messages:
            for attached in posted.get("attachments") or []:
                if attached.get("contentType") != CARD_CONTENT_TYPE:
                    continue
                nudge_ids, file_name = markers.read(attached.get("content"))
                if nudge_ids or file_name:
                    where = Delivery(channel=recipient.id, message_id=str(posted.get("id")))
                    found.append(Posted(where, nudge_ids, file_name))
        return found

    async def refresh_home(self, user_id: str) -> None:
        """Update the person's home card in place, if they have one (``bot.teams.home``)."""
        if self.home is not None:
            await self.home.refresh(user_id)
