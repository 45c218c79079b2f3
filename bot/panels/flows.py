"""What happens around a panel change: who is told what. Platform-neutral."""

from __future__ import annotations

import asyncio
import logging

from bot.models import Panel
from bot.panels.candidate_message import candidate_message
from bot.panels.composition import CompositionWarning, check_composition
from bot.panels.request import Slot
from bot.panels.service import PanelService
from bot.panels.summary import summarise
from bot.people import Directory, Person
from bot.platform import (
    ChatPlatform,
    Notice,
    PanelCancelled,
    PanelRescheduled,
    PanelScheduled,
    PanelSummary,
)

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

    async def announce_rescheduled(self, panel: Panel, previous: Slot, actor_id: str) -> None:
        summary = await summarise(panel, self.directory)
        actor = await self.directory.person(actor_id)
        await self._tell_panel_and(actor, PanelRescheduled(summary, previous, actor))

    async def announce_cancelled(self, panel: Panel, actor_id: str, reason: str) -> None:
        summary = await summarise(panel, self.directory)
        actor = await self.directory.person(actor_id)
        await self._tell_panel_and(actor, PanelCancelled(summary, actor, reason))

    async def _tell_panel_and(
        self, actor: Person, notice: PanelRescheduled | PanelCancelled
    ) -> None:
        """Every panelist, and whoever made the change (as their receipt)."""
        people = {seat.person.id: seat.person for seat in notice.summary.seats}
        people.setdefault(actor.id, actor)
        await asyncio.gather(*(self._send(person, notice) for person in people.values()))

    async def _send(self, person: Person, notice: Notice) -> None:
        try:
            await self.platform.send_direct(person, notice)
        except Exception:
            log.exception("could not tell %s about %s", person.id, notice.summary.reference)
