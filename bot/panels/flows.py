"""A panel as its people see it: the composition review and the coordinator's confirmation.

Both resolve people through the directory (names, titles) when they are shown, so a Slack
outage at scheduling time never freezes raw IDs into them. The confirmation is an outbox notice
(``scheduling.notices``): a crash or an outage delays it but never loses it.
"""

from __future__ import annotations

from collections.abc import Sequence

from bot.config import Settings
from bot.models import Panel
from bot.panels.access import owner_roles
from bot.panels.candidate_message import candidate_message
from bot.panels.composition import CompositionWarning, check_composition
from bot.panels.service import PanelService
from bot.panels.summary import hours_check, summarise
from bot.people import Directory
from bot.platform import PanelScheduled, PanelSummary


async def review(
    panel: Panel, directory: Directory, prior_interviewer_ids: Sequence[str], settings: Settings
) -> tuple[PanelSummary, list[CompositionWarning]]:
    """The panel with people resolved, and what its composition check finds (working hours
    from ``settings``)."""
    summary = await summarise(panel, directory)
    warnings = check_composition(
        panel.panelists,
        duration_minutes=panel.duration_minutes,
        panel_format=panel.format,
        prior_interviewer_ids=prior_interviewer_ids,
        names={s.person.id: s.person.name for s in summary.seats},
        has_resume=bool(panel.resume_url),
        owners=owner_roles(panel),
    )
    warnings += hours_check(summary, panel, settings)
    return summary, warnings


async def confirmation(
    panel: Panel, directory: Directory, prior_interviewer_ids: Sequence[str], settings: Settings
) -> PanelScheduled:
    """The coordinator's confirmation: summary, composition check, candidate message."""
    summary, warnings = await review(panel, directory, prior_interviewer_ids, settings)
    message = candidate_message(
        candidate_name=summary.candidate_name,
        role_title=summary.role_title,
        round_number=summary.round_number,
        slot=summary.slot,
        panel_format=summary.format,
        location=summary.location,
        panel=[seat.person for seat in summary.seats],
    )
    return PanelScheduled(summary, tuple(warnings), message)


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
