"""Resolving a stored panel into the people-aware summary every notice is built from."""

from __future__ import annotations

from datetime import timedelta

from bot.config import Settings
from bot.models import Panel
from bot.panels.composition import CompositionWarning, outside_working_hours
from bot.panels.request import Slot
from bot.people import Directory
from bot.platform import PanelSummary, Seat


def slot_of(panel: Panel) -> Slot:
    return Slot(panel.starts_at, panel.duration_minutes, panel.timezone)


async def summarise(panel: Panel, directory: Directory) -> PanelSummary:
    ids = [panel.coordinator_id, panel.hiring_manager_id, panel.recruiter_id]
    ids += [p.user_id for p in panel.panelists]
    people = await directory.people(ids)
    return PanelSummary(
        panel_id=panel.id,
        reference=panel.reference,
        candidate_name=panel.candidate.name,
        role_title=panel.role.title,
        round_number=panel.round_number,
        slot=slot_of(panel),
        format=panel.format,
        location=panel.location,
        resume_url=panel.resume_url,
        cancelled=panel.is_cancelled,
        coordinator=people[panel.coordinator_id],
        hiring_manager=people[panel.hiring_manager_id],
        recruiter=people[panel.recruiter_id],
        seats=tuple(
            Seat(people[p.user_id], p.focus_area, p.focus_detail, p.perspective)
            for p in panel.panelists
        ),
    )


def hours_check(
    summary: PanelSummary, panel: Panel, settings: Settings
) -> list[CompositionWarning]:
    """The working-hours part of the composition check, for the panelists still coming (their
    zones are on the summary's people): for the confirmation, ``/panel status`` and the
    reschedule receipt alike."""
    declined = {p.user_id for p in panel.panelists if p.declined_at is not None}
    warning = outside_working_hours(
        summary.slot.starts_at,
        timedelta(minutes=summary.slot.duration_minutes),
        [seat.person for seat in summary.seats if seat.person.id not in declined],
        settings.working_hours,
        business=settings.business_time,
    )
    return [warning] if warning else []
