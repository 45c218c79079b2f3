"""Resolving a stored panel into the people-aware summary every notice is built from."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import timedelta

from bot.config import Settings
from bot.models import Panel
from bot.panels.access import owner_roles
from bot.panels.candidate_message import candidate_message
from bot.panels.composition import CompositionWarning, check_composition, outside_working_hours
from bot.panels.notices import PanelBrief, PanelScheduled, PanelSummary, SeatHolder
from bot.panels.request import Slot
from bot.people import Directory


def slot_of(panel: Panel) -> Slot:
    return Slot(panel.starts_at, panel.duration_minutes, panel.timezone)


def brief(panel: Panel) -> PanelBrief:
    """The panel's heading as reminders show it: no people resolved, so it needs no look-ups."""
    return PanelBrief(
        panel_id=panel.id,
        reference=panel.reference,
        candidate_name=panel.candidate.name,
        role_title=panel.role.title,
        responsibilities=panel.role.responsibilities,
        round_number=panel.round_number,
        slot=slot_of(panel),
        format=panel.format,
        location=panel.location,
        resume_url=panel.resume_url,
        coordinator_id=panel.coordinator_id,
    )


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
            SeatHolder(people[p.user_id], p.focus_area, p.focus_detail, p.perspective)
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
