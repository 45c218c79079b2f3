"""The ATS side of the composition root: the connector ``HIREBOT_ATS`` names, and its service."""

from __future__ import annotations

from typing import TYPE_CHECKING

from bot.ats.connector import AtsConnector
from bot.ats.sync import AtsService
from bot.config import Settings

if TYPE_CHECKING:
    from bot.services import Services


def connector_for(settings: Settings) -> AtsConnector:
    if settings.ats == "ashby":
        from bot.ats.ashby import AshbyConnector

        key = settings.ashby_api_key.get_secret_value() if settings.ashby_api_key else ""
        return AshbyConnector(key, settings.ashby_api_url)
    if settings.ats == "greenhouse":
        from bot.ats.greenhouse import GreenhouseConnector

        secret = settings.greenhouse_client_secret
        return GreenhouseConnector(
            settings.greenhouse_client_id or "",
            secret.get_secret_value() if secret else "",
            settings.greenhouse_api_url,
            settings.greenhouse_token_url,
        )
    raise ValueError(f"no ATS connector called {settings.ats!r}")


def build_ats(services: Services) -> AtsService:
    return AtsService(
        connector=connector_for(services.settings),
        db=services.db,
        clock=services.clock,
        settings=services.settings,
        panels=services.panels,
        pipeline=services.pipeline,
        prep=services.prep,
        followup=services.followup,
        people=services.slack.directory,  # users.lookupByEmail
        directory=services.directory,
        platform=services.platform,
    )
