"""A panel as its people see it: the composition review and the coordinator's confirmation.

Both resolve people through the directory (names, titles) when they are shown, so a Slack
outage at scheduling time never freezes raw IDs into them. The confirmation is an outbox notice
(``scheduling.composers``): a crash or an outage delays it but never loses it.
"""

from __future__ import annotations

from bot.config import Settings
from bot.models import Panel
from bot.panels.composition import CompositionWarning
from bot.panels.notices import PanelSummary
from bot.panels.service import PanelService
from bot.panels.summary import review
from bot.people import Directory


class PanelFlows:
    """``review`` for listeners, with the candidate's earlier interviewers read from the
    database."""

    def __init__(self, panels: PanelService, directory: Directory, settings: Settings) -> None:
        self.panels = panels
        self.directory = directory
        self.settings = settings

    async def review(self, panel: Panel) -> tuple[PanelSummary, list[CompositionWarning]]:
        prior = await self.panels.prior_rounds(panel.candidate_id)
        prior_ids = [u for r in prior for u in r.interviewer_ids]
        return await review(panel, self.directory, prior_ids, self.settings)
