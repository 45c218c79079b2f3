"""The Slack side of the chat-platform port: render a notice and DM it, update it in place,
share a file, answer privately, and read back what was posted."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from slack_sdk.web.async_client import AsyncWebClient

from bot.delivery import Delivery, FileToShare, Posted
from bot.people import Person
from bot.platform import Notice
from bot.slack import notices  # noqa: F401  (importing it registers every notice's renderer)
from bot.slack.client import classify
from bot.slack.render import render_notice

#: The metadata event type of HireBot's nudge messages.
NUDGE_EVENT = "hirebot_nudge"
#: Messages per ``conversations.history`` page (Slack allows up to 999; 200 is its advice).
HISTORY_PAGE = 200


class SlackPlatform:
    #: Slack allows about one message per second per channel (a rate limit is wall-clock).
    pace_per_recipient = 1.0

    def __init__(self, client: AsyncWebClient) -> None:
        self._client = client
        self._dm_channels: dict[str, str] = {}

    async def dm_channel(self, user_id: str) -> str:
        """The app's DM channel with a user (for ephemeral replies, which need a channel)."""
        channel = self._dm_channels.get(user_id)
        if channel is None:
            try:
                response = await self._client.conversations_open(users=user_id)
            except Exception as exc:
                raise classify("conversations.open", exc) from exc
            channel = self._dm_channels[user_id] = response["channel"]["id"]
        return channel

    async def send_direct(
        self, recipient: Person, notice: Notice, *, nudge_ids: Sequence[int] = ()
    ) -> Delivery:
        """Post to the user ID itself: Slack delivers it to the app's DM with that person in one
        call, with no ``conversations.open`` first (which would double the calls per nudge).
        The message's metadata names ``nudge_ids`` (see ``posted_since``)."""
        text, blocks = render_notice(notice, recipient)
        try:
            response = await self._client.chat_postMessage(
                channel=recipient.id,
                text=text,
                blocks=blocks,
                unfurl_links=False,
                metadata=nudge_metadata(nudge_ids),
            )
        except Exception as exc:
            raise classify("chat.postMessage", exc) from exc
        channel = self._dm_channels[recipient.id] = response["channel"]
        return Delivery(channel=channel, message_id=response["ts"])

    async def update(self, recipient: Person, where: Delivery, notice: Notice) -> Delivery:
        """``chat.update`` keeps the message's ``ts``: the same message, changed in place."""
        text, blocks = render_notice(notice, recipient)
        try:
            await self._client.chat_update(
                channel=where.channel, ts=where.message_id, text=text, blocks=blocks
            )
        except Exception as exc:
            raise classify("chat.update", exc) from exc
        return where

    async def send_file(self, recipient: Person, file: FileToShare) -> Delivery:
        """Share a file in the person's DM with the external upload flow
        (files.getUploadURLExternal, the upload itself, files.completeUploadExternal)."""
        channel = await self.dm_channel(recipient.id)
        try:
            response = await self._client.files_upload_v2(
                channel=channel,
                content=file.content,
                filename=file.name,
                title=file.title,
                initial_comment=file.comment,
                request_file_info=False,
            )
        except Exception as exc:
            raise classify("files.completeUploadExternal", exc) from exc
        files = response.get("files") or [{}]
        return Delivery(channel=channel, message_id=str(files[0].get("id", "")))

    async def delete_file(self, delivery: Delivery) -> None:
        """Remove a file this app shared (``files.delete``): the ATS résumé of someone who left
        the panel. One already gone is no error."""
        try:
            await self._client.files_delete(file=delivery.message_id)
        except Exception as exc:
            error = classify("files.delete", exc)
            if getattr(error, "error", "") != "file_not_found":
                raise error from exc

    async def reply_privately(self, recipient_id: str, text: str) -> None:
        """An ephemeral message in the person's DM with the app (clicks on App Home carry no
        ``response_url`` to answer through)."""
        channel = await self.dm_channel(recipient_id)
        try:
            await self._client.chat_postEphemeral(channel=channel, user=recipient_id, text=text)
        except Exception as exc:
            raise classify("chat.postEphemeral", exc) from exc

    async def refresh_home(self, user_id: str) -> None:
        """Nothing: Slack's App Home is rebuilt whenever it is opened (``app_home_opened``) and
        on its Refresh button, so there is no kept copy to bring up to date."""
        return None

    async def posted_since(self, recipient: Person, since: datetime) -> list[Posted]:
        """HireBot's messages in its DM with ``recipient`` since ``since``, with the nudges
        each names (message metadata) and the file each shared: ``conversations.history``
        with ``include_all_metadata`` (scope ``im:history``), newest first, paged."""
        channel = await self.dm_channel(recipient.id)
        found: list[Posted] = []
        cursor: str | None = None
        while True:
            try:
                response = await self._client.conversations_history(
                    channel=channel,
                    oldest=f"{since.timestamp():.6f}",
                    include_all_metadata=True,
                    limit=HISTORY_PAGE,
                    cursor=cursor,
                )
            except Exception as exc:
                raise classify("conversations.history", exc) from exc
            for message in response.get("messages") or []:
                found.append(_posted(channel, message))
            cursor = (response.get("response_metadata") or {}).get("next_cursor") or None
            if not response.get("has_more") or not cursor:
                return found


def _posted(channel: str, message: dict[str, Any]) -> Posted:
    """What one history message says about HireBot's own sends."""
    metadata = message.get("metadata") or {}
    ids: tuple[int, ...] = ()
    if metadata.get("event_type") == NUDGE_EVENT:
        payload = metadata.get("event_payload") or {}
        ids = tuple(int(i) for i in payload.get("nudge_ids") or [] if str(i).isdigit())
    files = message.get("files") or [{}]
    file_id = str(files[0].get("id") or "")
    where = Delivery(channel, file_id if file_id and not ids else str(message.get("ts", "")))
    return Posted(where, ids, str(files[0].get("name") or ""))


def nudge_metadata(nudge_ids: Sequence[int]) -> dict[str, Any] | None:
    """Slack message metadata naming the nudges a message carries (for a takeover's check)."""
    if not nudge_ids:
        return None
    return {"event_type": NUDGE_EVENT, "event_payload": {"nudge_ids": list(nudge_ids)}}
