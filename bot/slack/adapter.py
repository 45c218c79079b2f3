"""The Slack adapter's parts: the Web API clients, the directory and the platform port, built
from the settings. The composition root (``bot.services``) hands them to the core."""

from __future__ import annotations

from dataclasses import dataclass

from slack_sdk.web.async_client import AsyncWebClient

from bot.config import Settings
from bot.metrics import Metrics
from bot.slack.client import REQUEST_TIMEOUT_SECONDS, make_client
from bot.slack.directory import SlackDirectory
from bot.slack.platform import SlackPlatform
from scheduling.dispatcher import call_timeout


@dataclass(frozen=True)
class SlackAdapter:
    client: AsyncWebClient  # listeners' and the directory's: slack_sdk retries for them
    directory: SlackDirectory
    platform: SlackPlatform  # for answers to listeners
    dispatch_platform: SlackPlatform  # the dispatcher's: it retries through the outbox


def slack_adapter(
    settings: Settings, metrics: Metrics, *, dispatch_timeout: float | None = None
) -> SlackAdapter:
    client = make_client(settings.slack_bot_token or "", settings.slack_api_url, metrics=metrics)
    # The dispatcher's own client retries nothing itself: it decides when to try again
    # (Retry-After per recipient, backoff across runs) without holding a send slot meanwhile.
    dispatch_client = make_client(
        settings.slack_bot_token or "", settings.slack_api_url, retries=0, metrics=metrics
    )
    # aiohttp takes float timeouts; slack_sdk annotates the attribute as int, hence the ignore.
    dispatch_client.timeout = call_timeout(  # type: ignore[assignment]
        settings.dispatch_lease, dispatch_timeout or REQUEST_TIMEOUT_SECONDS
    )
    return SlackAdapter(
        client=client,
        directory=SlackDirectory(client),
        platform=SlackPlatform(client),
        dispatch_platform=SlackPlatform(dispatch_client),
    )
