"""Options for the time-zone picker (an external_select, so any IANA zone can be found)."""

from __future__ import annotations

from slack_bolt.async_app import AsyncAck, AsyncApp

from bot.services import Services
from bot.slack import ids
from bot.slack.modals.inputs import timezone_options


def register(app: AsyncApp, services: Services) -> None:
    @app.options(ids.TIMEZONE_OPTIONS)
    async def timezones(ack: AsyncAck, payload: dict) -> None:
        await ack(options=timezone_options(payload.get("value", ""), services.clock.now()))
