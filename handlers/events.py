"""Events: the App Home tab, refreshed whenever someone opens it."""

from __future__ import annotations

from slack_bolt.async_app import AsyncApp
from slack_sdk.web.async_client import AsyncWebClient

from bot.slack import messages
from bot.slack.app import Services


def register(app: AsyncApp, services: Services) -> None:
    @app.event("app_home_opened")
    async def home_opened(event: dict, client: AsyncWebClient) -> None:
        if event.get("tab", "home") != "home":
            return
        user_id = event["user"]
        reader = await services.directory.person(user_id)
        listing = await services.panels.listing(user_id)
        view = messages.home(
            listing, reader, may_schedule=services.settings.is_coordinator(user_id)
        )
        await client.views_publish(user_id=user_id, view=view)
