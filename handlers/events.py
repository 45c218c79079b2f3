"""Events: the App Home tab, published whenever someone opens it."""

from __future__ import annotations

from slack_bolt.async_app import AsyncApp

from bot.services import Services
from bot.slack.home.publish import publish_home


def register(app: AsyncApp, services: Services) -> None:
    @app.event("app_home_opened")
    async def home_opened(event: dict) -> None:
        # Bolt acks events before listeners run; the home is built after that.
        if event.get("tab", "home") != "home":
            return
        await publish_home(services, event["user"])
