"""What happens around a panel change: who is told what. Platform-neutral.

Only the coordinator's confirmation of a new panel is sent from here, straight away. The
panel's reschedule and cancellation notices are outbox nudges, queued in the same transaction
as the change (``scheduling.replan``) and delivered by the dispatcher, so a crash or a Slack
outage delays them but never loses them.
"""

from __future__ import annotations

import logging

from bot.models import Panel
from bot.panels.access import owner_roles
from bot.panels.candidate_message import candidate_message
from bot.panels.composition import CompositionWarning, check_composition
from bot.panels.service import PanelService
from bot.panels.summary import summarise
from bot.people import Directory, Person
from bot.platform import ChatPlatform, PanelScheduled, PanelSummary

log = logging.getLogger(__name__)


class PanelFlows:
    def __init__(self, panels: PanelService, directory: Directory, platform: ChatPlatform) -> None:
        self.panels = panels
        self.directory = directory
        self.platform = platform

    async def review(self, panel: Panel) -> tuple[PanelSummary, list[CompositionWarning]]:
        """The panel with people resolved, and what its composition check finds."""
        summary = await summarise(panel, self.directory)
        prior = await self.panels.prior_rounds(panel.candidate_id)
        warnings = check_composition(
            panel.panelists,
            duration_minutes=panel.duration_minutes,
            panel_format=panel.format,
            prior_interviewer_ids=[u for r in prior for u in r.interviewer_ids],
            names={s.person.id: s.person.name for s in summary.seats},
            has_resume=bool(panel.resume_url),
            owners=owner_roles(panel),
        )
        return summary, warnings

    async def scheduled(self, panel: Panel) -> PanelScheduled:
        """Build the coordinator's confirmation: summary, composition check, candidate message."""
        summary, warnings = await self.review(panel)
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

    async def announce_scheduled(self, panel: Panel) -> None:
        notice = await self.scheduled(panel)
        await self._send(notice.summary.coordinator, notice)

    async def _send(self, person: Person, notice: PanelScheduled) -> None:
        try:
            await self.platform.send_direct(person, notice)
        except Exception:
            log.exception("could not tell %s about %s", person.id, notice.summary.reference)
