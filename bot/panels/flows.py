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
from bot.panels.request import PanelBasics
from bot.panels.service import PanelService
from bot.panels.summary import review
from bot.people import Directory, unusable

#: How long the first step waits for Slack to say who the chosen people are (seconds): well
#: inside Slack's 3 seconds, with the draft still to store. Past it, they are accepted.
PEOPLE_CHECK_BUDGET = 1.5


class PanelFlows:
    """What listeners of every platform ask about a panel being formed or shown: the review,
    with the candidate's earlier interviewers read from the database, and the check of the
    people chosen."""

    def __init__(self, panels: PanelService, directory: Directory, settings: Settings) -> None:
        self.panels = panels
        self.directory = directory
        self.settings = settings

    async def review(self, panel: Panel) -> tuple[PanelSummary, list[CompositionWarning]]:
        prior = await self.panels.prior_rounds(panel.candidate_id)
        prior_ids = [u for r in prior for u in r.interviewer_ids]
        return await review(panel, self.directory, prior_ids, self.settings)

    async def people_problems(self, basics: PanelBasics) -> dict[str, str]:
        """Field errors for bots, deactivated accounts and unknown IDs among the people chosen (the
        rule Replace uses: ``bot.people.unusable``), looked up in parallel within a budget. Whoever
        the platform cannot describe in time is accepted; their names are looked up again when sent."""
        chosen = [*basics.panelist_ids, basics.hiring_manager_id, basics.recruiter_id]
        people = await self.directory.people(chosen, within=PEOPLE_CHECK_BUDGET)
        errors: dict[str, str] = {}
        for user_id in basics.panelist_ids:
            problem = unusable(people[user_id])
            if problem and "panelists" not in errors:
                named = people[user_id].name != user_id  # field errors are plain text: no mentions
                errors["panelists"] = f"{people[user_id].name}: {problem}" if named else problem
        for field, user_id in (
            ("hiring_manager", basics.hiring_manager_id),
            ("recruiter", basics.recruiter_id),
        ):
            problem = unusable(people[user_id])
            if problem:
                errors[field] = problem
        return errors
