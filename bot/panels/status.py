"""``/panel status`` as one use case: everything a person may see about one panel, gathered
from each domain, as plain data every platform renders its own way.

Before the panel: the people, the composition review, each panelist's readiness and, for the
panel's owners, the questions planned per focus area. After it: the stage, what blocks (as this
reader may see it), and the feedback they may read (blind until their own is in).
"""

from __future__ import annotations

from dataclasses import dataclass

from bot.changes.readcache import ReadCache, cached
from bot.clock import Clock
from bot.config import Settings
from bot.followup import visibility
from bot.followup.progress import Blocker, PanelProgress, Stage
from bot.followup.service import FeedbackReading, FollowupService
from bot.models import Panel
from bot.panels.access import can_manage
from bot.panels.composition import CompositionWarning
from bot.panels.flows import PanelFlows
from bot.panels.notices import PanelSummary
from bot.panels.service import PanelService
from bot.prep.notices import PanelReadiness
from bot.prep.service import readiness
from bot.questions.overlap import Coverage
from bot.questions.service import QuestionPlanner


@dataclass(frozen=True)
class AfterThePanel:
    """Where a panel stands once it has ended, as one reader may see it."""

    stage: Stage
    progress: PanelProgress
    reading: FeedbackReading
    blockers: tuple[Blocker, ...]  # only those the reader may see
    may_excuse: bool  # an owner: offered "Excuse" next to missing feedback


@dataclass(frozen=True)
class PanelStatus:
    summary: PanelSummary
    warnings: tuple[CompositionWarning, ...]
    readiness: PanelReadiness
    after: AfterThePanel | None  # None until the panel ends (and for a cancelled one)
    coverage: Coverage | None  # the panel's owners only, while it is on


class StatusQuery:
    def __init__(
        self,
        panels: PanelService,
        flows: PanelFlows,
        followup: FollowupService,
        questions: QuestionPlanner,
        clock: Clock,
        settings: Settings,
        cache: ReadCache | None = None,
    ) -> None:
        self.cache = cache
        self.panels = panels
        self.flows = flows
        self.followup = followup
        self.questions = questions
        self.clock = clock
        self.settings = settings

    async def status(self, user_id: str, panel_id: int, tz: str) -> PanelStatus:
        """Raises ``PanelNotFound`` for a panel ``user_id`` may not see (hidden reads as gone).
        ``tz``: the reader's zone, in which business days late are counted. Cached until the
        next change or minute (``bot.changes.readcache``)."""
        return await cached(
            self.cache,
            ("status", user_id, panel_id, tz),
            lambda: self._status(user_id, panel_id, tz),
        )

    async def _status(self, user_id: str, panel_id: int, tz: str) -> PanelStatus:
        panel = await self.panels.visible(user_id, panel_id)
        summary, warnings = await self.flows.review(panel)
        owner = can_manage(panel, user_id)
        coverage = None
        if owner and not panel.is_cancelled:
            coverage = await self.questions.coverage(panel)
        return PanelStatus(
            summary=summary,
            warnings=tuple(warnings),
            readiness=readiness(panel),
            after=await self._after(panel, user_id, tz, owner),
            coverage=coverage,
        )

    async def _after(
        self, panel: Panel, user_id: str, tz: str, owner: bool
    ) -> AfterThePanel | None:
        now = self.clock.now()
        progress = await self.followup.progress(panel)
        stage = progress.stage(now)
        if stage in (Stage.UPCOMING, Stage.CANCELLED):
            return None
        reading = await self.followup.reading(user_id, panel)
        blockers = visibility.blockers_for(
            progress.blockers(now, self.settings, tz), reading.may_read_others
        )
        return AfterThePanel(stage, progress, reading, tuple(blockers), owner)
