"""The composition root: every service HireBot runs, built once per process and wired to the
chat platform's adapter.

The core (panels, prep, follow-up, questions, the change pipeline) and the dispatcher know only
the platform port (``bot.platform``) and a ``Directory``; this module is the one place that
picks an adapter and hands it to them. ``serve``, the CLI, the demo, the test harness and the
benchmarks all build from here.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from bot.ats.build import connector_for
from bot.ats.people import PeopleByEmail
from bot.ats.sync import AtsService
from bot.changes.pipeline import ChangePipeline
from bot.changes.readcache import ReadCache
from bot.clock import Clock
from bot.config import Settings
from bot.db import Database
from bot.followup.reports import FollowupReports
from bot.followup.service import FollowupService
from bot.home.facts import FACTS_KEPT, FactsCache
from bot.home.refresh import HomeRefresher
from bot.home.service import HomeService
from bot.metrics import Metrics
from bot.models import Platform
from bot.panels.flows import PanelFlows
from bot.panels.service import PanelService
from bot.panels.status import StatusQuery
from bot.people import Directory
from bot.platform import ChatPlatform
from bot.prep.service import PrepService
from bot.questions.matcher import matcher_for
from bot.questions.service import QuestionPlanner
from bot.slack.adapter import SlackAdapter, slack_adapter
from scheduling.dispatcher import Dispatcher

if TYPE_CHECKING:
    from bot.teams.runtime import TeamsRuntime


@dataclass
class Services:
    """What listeners work with; built once per process."""

    settings: Settings
    clock: Clock
    db: Database
    metrics: Metrics
    directory: Directory
    platform: ChatPlatform
    panels: PanelService
    flows: PanelFlows
    dispatcher: Dispatcher
    followup: FollowupService
    prep: PrepService
    questions: QuestionPlanner
    pipeline: ChangePipeline
    status: StatusQuery
    reports: FollowupReports
    slack: SlackAdapter
    #: Answers cached across requests until the next change or minute (App Home's too).
    read_cache: ReadCache
    #: Every platform's home agenda, with that cache and panels' facts kept by revision.
    homes: HomeService
    #: Teams, when ``TEAMS_APP_ID`` is set (``bot.teams``); Slack and Teams can serve at once.
    teams: TeamsRuntime | None = None
    ats: AtsService | None = None  # HIREBOT_ATS: interviews from Ashby or Greenhouse


def build_services(
    settings: Settings, clock: Clock, db: Database, *, dispatch_timeout: float | None = None
) -> Services:
    """Everything, wired to the Slack adapter. ``dispatch_timeout``: the platform timeout of the
    dispatcher's own calls (tests shorten it; it is capped by the lease either way)."""
    metrics = Metrics()
    slack = slack_adapter(settings, metrics, dispatch_timeout=dispatch_timeout)
    teams = None
    directory: Directory = slack.directory
    platform: ChatPlatform = slack.platform
    dispatch_platform: ChatPlatform = slack.dispatch_platform
    read_cache = ReadCache(db, clock, settings.read_cache_size)
    facts = FactsCache(FACTS_KEPT if settings.read_cache_size > 0 else 0)
    homes = HomeService(db, clock, settings, read_cache, facts)
    if settings.teams_enabled:
        # Each person is on one platform: lookups and deliveries go to the one that owns them.
        from bot.teams.routing import RoutingDirectory, RoutingPlatform
        from bot.teams.runtime import build_teams

        teams = build_teams(settings, db, clock, homes)
        directory = RoutingDirectory(slack.directory, teams.directory)
        platform = RoutingPlatform(slack.platform, teams.platform)
        dispatch_platform = RoutingPlatform(slack.dispatch_platform, teams.platform)
    pipeline = ChangePipeline(db, clock, settings, directory)
    panels = PanelService(
        db, clock, pipeline, coordinators=settings.is_coordinator, cache=read_cache
    )
    dispatcher = Dispatcher(
        db=db,
        settings=settings,
        platform=dispatch_platform,
        directory=directory,
        clock=clock,
        replanner=pipeline,
        metrics=metrics,
    )
    # What a change queued goes out right after its commit, without waiting for a tick; then
    # the homes of the people it concerns are brought up to date where a platform keeps one
    # (Teams' home card; Slack rebuilds its App Home when it is opened, so it needs none).
    refresher = HomeRefresher(db, platform) if teams is not None else None
    if refresher is not None:
        pipeline.observe(refresher.observe)

    async def after_change(panel_id: int) -> None:
        await dispatcher.run_once(panel_id=panel_id)
        if refresher is not None:
            await refresher.refresh_panel(panel_id)

    pipeline.deliver_with(after_change)
    flows = PanelFlows(panels, directory, settings)
    followup = FollowupService(db, clock, settings, pipeline)
    questions = QuestionPlanner(db, clock, pipeline, matcher_for(settings))
    services = Services(
        settings=settings,
        clock=clock,
        db=db,
        metrics=metrics,
        directory=directory,
        platform=platform,
        panels=panels,
        flows=flows,
        dispatcher=dispatcher,
        followup=followup,
        prep=PrepService(db, clock, settings, directory, pipeline, panels),
        questions=questions,
        pipeline=pipeline,
        status=StatusQuery(panels, flows, followup, questions, clock, settings, read_cache),
        reports=FollowupReports(followup, clock, settings, read_cache),
        read_cache=read_cache,
        homes=homes,
        slack=slack,
        teams=teams,
    )
    if settings.ats:
        services.ats = AtsService(
            connector=connector_for(settings),
            db=db,
            clock=clock,
            settings=settings,
            panels=panels,
            pipeline=pipeline,
            prep=services.prep,
            followup=followup,
            people=ats_people(settings, slack, teams),
            directory=directory,
            platform=platform,
        )
    return services


def ats_people(
    settings: Settings, slack: SlackAdapter, teams: TeamsRuntime | None
) -> list[PeopleByEmail]:
    """Where the ATS's people are found by email: Slack (``users.lookupByEmail``) when its token
    is set, Teams (Graph) when it is on; Slack first, so a tie goes to Slack."""
    places = []
    if settings.slack_bot_token or teams is None:
        places.append(PeopleByEmail(Platform.SLACK, "", slack.directory))
    if teams is not None:
        tenant = settings.teams_tenant_id or ""
        places.append(PeopleByEmail(Platform.TEAMS, tenant, teams.directory))
    return places
