"""The Slack adapter's parts: the Web API clients, the directory and the platform port, built
from the settings. The composition root (``bot.services``) hands them to the core."""

from __future__ import annotations

from dataclasses import dataclass

from bot.config import Settings
from bot.metrics import Metrics
from bot.slack.client import REQUEST_TIMEOUT_SECONDS, MeteredWebClient, make_client
from bot.slack.directory import SlackDirectory
from bot.slack.platform import SlackPlatform
from scheduling.dispatcher import call_timeout


@dataclass(frozen=True)
class SlackAdapter:
    client: MeteredWebClient  # listeners' and the directory's: slack_sdk retries for them
    directory: SlackDirectory
    platform: SlackPlatform  # for answers to listeners
    dispatch_platform: SlackPlatform  # the dispatcher's: it retries through the outbox
    dispatch_client: MeteredWebClient

    async def open(self) -> None:
        """Open both clients' HTTP sessions in the serving loop, before the first request, so
        Bolt's per-request clients (which copy ``client.session``) reuse connections too."""
        self.client.open_session()
        self.dispatch_client.open_session()

    async def close(self) -> None:
        await self.client.close_session()
        await self.dispatch_client.close_session()


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
        dispatch_client=dispatch_client,
    )
