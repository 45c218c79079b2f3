"""Building the Bolt app and everything its listeners need, for serve, the demo and tests."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from slack_bolt.async_app import AsyncApp
from slack_sdk.web.async_client import AsyncWebClient

from bot.changes.pipeline import ChangePipeline
from bot.clock import Clock
from bot.config import Settings
from bot.db import Database
from bot.followup.service import FollowupService
from bot.metrics import Metrics
from bot.panels.flows import PanelFlows
from bot.panels.service import PanelService
from bot.prep.service import PrepService
from bot.questions.matcher import matcher_for
from bot.questions.service import QuestionPlanner
from bot.slack.client import REQUEST_TIMEOUT_SECONDS, make_client
from bot.slack.directory import SlackDirectory
from bot.slack.metering import metered_requests
from bot.slack.platform import SlackPlatform
from scheduling.dispatcher import Dispatcher, call_timeout


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
    dispatcher: Dispatcher
    followup: FollowupService
    prep: PrepService
    questions: QuestionPlanner
    pipeline: ChangePipeline
    metrics: Metrics
    #: Teams (``bot.teams.runtime.TeamsRuntime``) when ``TEAMS_APP_ID`` is set.
    teams: Any = None


def build_services(
    settings: Settings, clock: Clock, db: Database, *, dispatch_timeout: float | None = None
) -> Services:
    metrics = Metrics()
    client = make_client(settings.slack_bot_token or "", settings.slack_api_url, metrics=metrics)
    directory = SlackDirectory(client)
    platform = SlackPlatform(client)
    # The core looks people up, and the dispatcher delivers, on the platform each person is on.
    teams = None
    core_directory: Any = directory
    if settings.teams_enabled:
        from bot.teams.routing import RoutingDirectory
        from bot.teams.runtime import build_teams

        teams = build_teams(settings, db, clock)
        core_directory = RoutingDirectory(directory, teams.directory)
    pipeline = ChangePipeline(db, clock, settings, core_directory)
    panels = PanelService(db, clock, pipeline)
    # The dispatcher's own client retries nothing itself: it decides when to try again
    # (Retry-After per recipient, backoff across runs) without holding a send slot meanwhile.
    dispatch_client = make_client(
        settings.slack_bot_token or "", settings.slack_api_url, retries=0, metrics=metrics
    )
    # aiohttp takes float timeouts, whatever slack_sdk's annotation says.
    dispatch_client.timeout = call_timeout(  # type: ignore[assignment]
        settings.dispatch_lease, dispatch_timeout or REQUEST_TIMEOUT_SECONDS
    )
    dispatch_platform: Any = SlackPlatform(dispatch_client)
    if teams is not None:
        from bot.teams.routing import RoutingPlatform

        dispatch_platform = RoutingPlatform(dispatch_platform, teams.platform)
    dispatcher = Dispatcher(
        db=db,
        settings=settings,
        platform=dispatch_platform,
        directory=core_directory,
        clock=clock,
        replanner=pipeline,
        metrics=metrics,
    )
    # What a change queued goes out right after its commit, without waiting for a tick.
    pipeline.deliver_with(lambda panel_id: dispatcher.run_once(panel_id=panel_id))
    services = Services(
        settings=settings,
        clock=clock,
        db=db,
        client=client,
        directory=directory,
        platform=platform,
        panels=panels,
        flows=PanelFlows(panels, core_directory, settings),
        dispatcher=dispatcher,
        followup=FollowupService(db, clock, settings, pipeline),
        prep=PrepService(db, clock, settings, core_directory, pipeline),
        questions=QuestionPlanner(db, clock, pipeline, matcher_for(settings)),
        pipeline=pipeline,
        metrics=metrics,
        teams=teams,
    )
    if teams is not None:
        from handlers.teams.listeners import TeamsHandlers

        teams.handlers = TeamsHandlers(services, teams)
    return services


def build_app(services: Services) -> AsyncApp:
    """The Bolt app with every HireBot listener registered."""
    from handlers import register  # handlers import bot.*, never the reverse at import time

    app = AsyncApp(
        signing_secret=services.settings.slack_signing_secret,
        client=services.client,  # carries the token and SLACK_API_URL
        # Ack first, then do slow work: Slack waits 3 seconds at most.
        process_before_response=False,
        # Right after the signature check, so Bolt's own auth.test is metered too.
        before_authorize=metered_requests(services.metrics, services.client),
    )
    register(app, services)
    return app
