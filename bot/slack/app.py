"""Building the Bolt app and everything its listeners need, for serve, the demo and tests."""

from __future__ import annotations

from dataclasses import dataclass

from slack_bolt.async_app import AsyncApp
from slack_sdk.web.async_client import AsyncWebClient

from bot.clock import Clock
from bot.config import Settings
from bot.db import Database
from bot.panels.flows import PanelFlows
from bot.panels.service import PanelService
from bot.slack.client import make_client
from bot.slack.directory import SlackDirectory
from bot.slack.platform import SlackPlatform


@dataclass
class Services:
    """What listeners work with; built once per process."""

    settings: Settings
    clock: Clock
    db: Database
    client: AsyncWebClient
    directory: SlackDirectory
    platform: SlackPlatform
    panels: PanelService
    flows: PanelFlows


def build_services(settings: Settings, clock: Clock, db: Database) -> Services:
    client = make_client(settings.slack_bot_token or "", settings.slack_api_url)
    directory = SlackDirectory(client)
    platform = SlackPlatform(client)
    panels = PanelService(db, clock)
    return Services(
        settings=settings,
        clock=clock,
        db=db,
        client=client,
        directory=directory,
        platform=platform,
        panels=panels,
        flows=PanelFlows(panels, directory, platform),
    )


def build_app(services: Services) -> AsyncApp:
    """The Bolt app with every HireBot listener registered."""
    from handlers import register  # handlers import bot.*, never the reverse at import time

    app = AsyncApp(
        signing_secret=services.settings.slack_signing_secret,
        client=services.client,  # carries the token and SLACK_API_URL
        # Ack first, then do slow work: Slack waits 3 seconds at most.
        process_before_response=False,
    )
    register(app, services)
    return app
