"""The connector ``HIREBOT_ATS`` names, built from the settings (``bot.services`` wires it)."""

from __future__ import annotations

from bot.ats.connector import AtsConnector
from bot.config import Settings


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
