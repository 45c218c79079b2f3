"""Building the Bolt app with every HireBot listener registered, for serve, the demo and tests."""

from __future__ import annotations

from slack_bolt.async_app import AsyncApp

from bot.services import Services
from bot.slack.metering import metered_requests


def build_app(services: Services) -> AsyncApp:
    """The Bolt app with every HireBot listener registered."""
    from handlers import register  # handlers import bot.*, never the reverse at import time

    client = services.slack.client  # carries the token and SLACK_API_URL
    app = AsyncApp(
        signing_secret=services.settings.slack_signing_secret,
        client=client,
        # Ack first, then do slow work: Slack waits 3 seconds at most.
        process_before_response=False,
        # Right after the signature check, so Bolt's own auth.test is metered too.
        before_authorize=metered_requests(services.metrics, client),
    )
    register(app, services)
    return app
