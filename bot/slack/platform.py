"""The Slack side of the chat-platform port: render a notice and DM it."""

from __future__ import annotations

from slack_sdk.web.async_client import AsyncWebClient

from bot.people import Person
from bot.platform import Delivery, Notice
from bot.prep.notices import CalendarInvite
from bot.slack import (  # noqa: F401  (importing registers each module's notices)
    followup_messages,
    nudge_messages,
    prep_messages,
)
from bot.slack.client import classify
from bot.slack.messages import render_notice


class SlackPlatform:
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

    async def send_direct(self, recipient: Person, notice: Notice) -> Delivery:
        """Post to the user ID itself: Slack delivers it to the app's DM with that person in one
        call, with no ``conversations.open`` first (which would double the calls per nudge)."""
        if isinstance(notice, CalendarInvite):
            return await self._upload_invite(recipient, notice)
        text, blocks = render_notice(notice, recipient)
        replaces = getattr(notice, "replaces", None)
        if isinstance(replaces, Delivery):  # an update in place of an earlier message
            try:
                await self._client.chat_update(
                    channel=replaces.channel, ts=replaces.message_id, text=text, blocks=blocks
                )
            except Exception as exc:
                raise classify("chat.update", exc) from exc
            return replaces
        try:
            response = await self._client.chat_postMessage(
                channel=recipient.id, text=text, blocks=blocks, unfurl_links=False
            )
        except Exception as exc:
            raise classify("chat.postMessage", exc) from exc
        channel = self._dm_channels[recipient.id] = response["channel"]
        return Delivery(channel=channel, message_id=response["ts"])

    async def _upload_invite(self, recipient: Person, invite: CalendarInvite) -> Delivery:
        """Share the .ics in the person's DM with the external upload flow
        (files.getUploadURLExternal, the upload itself, files.completeUploadExternal)."""
        channel = await self.dm_channel(recipient.id)
        what = "Cancelled" if invite.cancelled else "Calendar invite"
        try:
            response = await self._client.files_upload_v2(
                channel=channel,
                content=invite.content,
                filename=invite.filename,
                title=f"{what}: {invite.brief.reference}",
                initial_comment=(
                    f"{what} for {invite.brief.reference}: open the file to"
                    f" {'remove it from' if invite.cancelled else 'add it to'} your calendar."
                ),
                request_file_info=False,
            )
        except Exception as exc:
            raise classify("files.completeUploadExternal", exc) from exc
        files = response.get("files") or [{}]
        return Delivery(channel=channel, message_id=str(files[0].get("id", "")))
