"""The composition check: warnings (never blocks) about a panel that will interview badly.

A strong second-round panel has the stakeholders who must align (a future peer, someone
cross-functional, a leader), gives each person a distinct focus, covers technical depth, culture
and stakeholder alignment between them, brings fresh eyes rather than round-1 interviewers, and
leaves enough time for everyone to ask something and for the candidate's own questions. And
it meets when the panelists are at work: a panelist asked to interview at 20:30 their time, or
on their Saturday, comes tired or not at all.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Protocol

from bot.config import WorkingHours
from bot.models import FocusArea, PanelFormat, Perspective
from bot.panels.labels import FOCUS_LABELS, PERSPECTIVE_LABELS, focus_label
from bot.people import Person
from scheduling.business_time import is_business_day

#: Minutes for introductions and the candidate's own questions.
BASE_MINUTES = 15
#: Minutes each panelist needs for their focus area.
MINUTES_PER_PANELIST = 10
#: Extra minutes when the candidate presents or works through an exercise.
EXERCISE_MINUTES = 20
MUST_COVER = (FocusArea.TECHNICAL_DEPTH, FocusArea.CULTURE_VALUES, FocusArea.STAKEHOLDER_ALIGNMENT)


class Seat(Protocol):
    """Anything with a panelist's user, focus and perspective (a request or a stored row)."""

    user_id: str
    focus_area: str
    focus_detail: str
    perspective: str


@dataclass(frozen=True)
class CompositionWarning:
    code: str  # stable, for tests and future suppression
    text: str  # plain text; platforms escape it


def recommended_minutes(panel_size: int, panel_format: str) -> int:
    extra = 0 if panel_format == PanelFormat.CONVERSATION else EXERCISE_MINUTES
    return BASE_MINUTES + MINUTES_PER_PANELIST * panel_size + extra


def check_composition(
    seats: Sequence[Seat],
    *,
    duration_minutes: int,
    panel_format: str,
    prior_interviewer_ids: Sequence[str],
    names: Mapping[str, str],
    has_resume: bool = True,
    owners: Mapping[str, str] | None = None,
) -> list[CompositionWarning]:
    """``owners``: the panel's coordinator, hiring manager and recruiter (user ID → role)."""
    warnings: list[CompositionWarning] = []
    for seat in seats:
        role = (owners or {}).get(seat.user_id)
        if role:
            warnings.append(
                CompositionWarning(
                    "owner_seated",
                    f"{names.get(seat.user_id, 'One panelist')} is also the {role}: as a panelist"
                    " they see the others' feedback and any decision reasons only after giving"
                    " their own, and a second view from someone else may be worth more.",
                )
            )
    if not has_resume:
        warnings.append(
            CompositionWarning(
                "no_resume", "No résumé link yet: panelists can't prepare without it."
            )
        )
    perspectives = {s.perspective for s in seats}
    for perspective, why in (
        (Perspective.PEER, "nobody who would work alongside the candidate day to day"),
        (Perspective.CROSS_FUNCTIONAL, "nobody from the teams this role works with"),
        (Perspective.LEADERSHIP, "nobody from leadership"),
    ):
        if perspective not in perspectives:
            warnings.append(
                CompositionWarning(
                    f"missing_{perspective}",
                    f"No {PERSPECTIVE_LABELS[perspective].lower()} on the panel: {why}.",
                )
            )

    by_focus: dict[str, list[str]] = defaultdict(list)
    for seat in seats:
        key = seat.focus_detail.strip().lower() if seat.focus_area == FocusArea.OTHER else ""
        by_focus[f"{seat.focus_area}:{key}"].append(seat.user_id)
    for users in by_focus.values():
        if len(users) > 1:
            first = next(s for s in seats if s.user_id == users[0])
            who = _join([names.get(u, u) for u in users])
            warnings.append(
                CompositionWarning(
                    "shared_focus",
                    f"{who} share the focus “{focus_label(first.focus_area, first.focus_detail)}”:"
                    " they are likely to ask the same things.",
                )
            )

    covered = {s.focus_area for s in seats}
    missing = [FOCUS_LABELS[f].lower() for f in MUST_COVER if f not in covered]
    if missing:
        warnings.append(CompositionWarning("uncovered_focus", f"Nobody covers {_join(missing)}."))

    repeat = [s.user_id for s in seats if s.user_id in set(prior_interviewer_ids)]
    if repeat:
        who = _join([names.get(u, u) for u in repeat])
        verb = "interviewed" if len(repeat) > 1 else "already interviewed"
        warnings.append(
            CompositionWarning(
                "prior_interviewer",
                f"{who} {verb} this candidate in an earlier round: fresh eyes add more.",
            )
        )

    needed = recommended_minutes(len(seats), panel_format)
    if duration_minutes < needed:
        warnings.append(
            CompositionWarning(
                "short_slot",
                f"{duration_minutes} minutes is short for {len(seats)} panelist"
                f"{'s' if len(seats) != 1 else ''}: allow at least {needed} so everyone can ask"
                " and the candidate has time for questions.",
            )
        )
    return warnings


def outside_working_hours(
    starts_at: datetime,
    duration: timedelta,
    people: Sequence[Person],
    hours: WorkingHours,
    *,
    business: bool,
) -> CompositionWarning | None:
    """Who the slot falls outside working hours for, in their own zone, and when it is there.

    Outside means starting before ``hours`` open or ending after they close that day (so a
    slot running past midnight is outside too), or, with business time on
    (``HIREBOT_BUSINESS_TIME``), falling on their Saturday or Sunday.
    """
    late: list[str] = []
    for person in people:
        start = starts_at.astimezone(person.zone)
        end = (starts_at + duration).astimezone(person.zone)
        closes = datetime.combine(start.date(), hours.end)
        if (
            start.time() < hours.start
            or end.replace(tzinfo=None) > closes
            or (business and not is_business_day(start.date()))
        ):
            late.append(f"{person.name} ({start:%a %H:%M}–{end:%H:%M} {start:%Z})")
    if not late:
        return None
    return CompositionWarning(
        "outside_working_hours",
        f"Outside working hours ({hours}, their own time) for {_join(late)}:"
        " is there a time that suits everyone?",
    )


def _join(items: Sequence[str]) -> str:
    if len(items) <= 1:
        return "".join(items)
    return ", ".join(items[:-1]) + " and " + items[-1]
