"""The Slack side of the chat-platform port: render a notice and DM it."""

from __future__ import annotations

from slack_sdk.web.async_client import AsyncWebClient

from bot.people import Person
from bot.platform import Delivery, Notice
from bot.slack import followup_messages, nudge_messages  # noqa: F401  (registers notices)
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
        text, blocks = render_notice(notice, recipient)
        try:
            response = await self._client.chat_postMessage(
                channel=recipient.id, text=text, blocks=blocks, unfurl_links=False
            )
        except Exception as exc:
            raise classify("chat.postMessage", exc) from exc
        channel = self._dm_channels[recipient.id] = response["channel"]
        return Delivery(channel=channel, message_id=response["ts"])
