"""Deciding what App Home lists for one person, from panels and their progress. Pure.

Everything a person sees here is about a panel they sit on or run: the loader only hands over
those, and each rule below checks the viewer's own seat or role again. Feedback shows up only as
"who still owes it", never what anyone wrote.

Due dates and "days overdue" are counted in the viewer's time zone (business days when
``HIREBOT_BUSINESS_TIME`` is on), so a home reads consistently from top to bottom.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime

from bot.config import Settings
from bot.followup import visibility
from bot.followup.progress import Blocker, BlockerKind, PanelProgress, Stage
from bot.home.agenda import (
    ACTION_ORDER,
    FIRST_PAGES,
    ActionItem,
    ActionKind,
    Agenda,
    HomePages,
    PanelRef,
    PrepState,
    Readiness,
    SectionName,
    StalledItem,
    UpcomingItem,
    page_of,
)
from bot.models import Panel, Panelist
from scheduling.business_time import days_elapsed

#: The stages in which the candidate waits on someone (``PanelProgress.waiting``).
WAITING = frozenset({Stage.FEEDBACK, Stage.DECISION, Stage.CANDIDATE_UPDATE})
ACTION_PAGE_SIZE = 10
UPCOMING_PAGE_SIZE = 10
STALLED_PAGE_SIZE = 10


def panel_ref(panel: Panel) -> PanelRef:
    return PanelRef(
        panel_id=panel.id,
        reference=panel.reference,
        candidate_name=panel.candidate.name,
        role_title=panel.role.title,
        round_number=panel.round_number,
        starts_at=panel.starts_at,
        ends_at=panel.ends_at,
    )


def roles_of(panel: Panel, user_id: str) -> tuple[str, ...]:
    roles = []
    if panel.coordinator_id == user_id:
        roles.append("coordinator")
    if panel.hiring_manager_id == user_id:
        roles.append("hiring manager")
    if panel.recruiter_id == user_id:
        roles.append("recruiter")
    if _seat(panel, user_id) is not None:
        roles.append("panelist")
    return tuple(roles)


def _seat(panel: Panel, user_id: str) -> Panelist | None:
    return next((p for p in panel.panelists if p.user_id == user_id), None)


def _prep(seat: Panelist) -> PrepState:
    if seat.declined_at is not None:
        return PrepState.DECLINED
    if seat.confirmed_at is not None:
        return PrepState.CONFIRMED
    return PrepState.PENDING


def _runs(panel: Panel, user_id: str) -> bool:
    return user_id in (panel.coordinator_id, panel.hiring_manager_id, panel.recruiter_id)


def actions_for(
    panel: Panel,
    progress: PanelProgress,
    blockers: Sequence[Blocker],
    user_id: str,
    now: datetime,
    settings: Settings,
    tz: str,
    ref: PanelRef,
    stage: Stage,
) -> list[ActionItem]:
    """What ``user_id`` has to do on this panel right now (``blockers``: the panel's, now;
    ``ref`` and ``stage``: the panel's, worked out once per home)."""
    items: list[ActionItem] = []
    seat = _seat(panel, user_id)
    pending = seat is not None and _prep(seat) is PrepState.PENDING
    if stage is Stage.UPCOMING and pending and now < panel.starts_at:
        assert seat is not None
        items.append(
            ActionItem(
                ActionKind.REVIEW_PACKET,
                ref,
                panel.starts_at,
                0,
                planned_questions=len(seat.planned_questions or []),
            )
        )
    if stage in (Stage.FEEDBACK, Stage.DECISION, Stage.CANDIDATE_UPDATE):
        for blocker in blockers:
            if blocker.owner_id != user_id:
                continue
            kind = {
                BlockerKind.FEEDBACK: ActionKind.SUBMIT_FEEDBACK,
                BlockerKind.DECISION: ActionKind.DECIDE,
                BlockerKind.CANDIDATE_UPDATE: ActionKind.UPDATE_CANDIDATE,
            }[blocker.kind]
            items.append(ActionItem(kind, ref, blocker.due_at, blocker.days_overdue, blocker.note))
        # The candidate-update clock is the recruiter's whatever stage blocks the rest.
        already = any(i.kind is ActionKind.UPDATE_CANDIDATE for i in items)
        if panel.recruiter_id == user_id and not already:
            due = progress.update_due_at(settings, tz)
            if now >= due:
                items.append(
                    ActionItem(
                        ActionKind.UPDATE_CANDIDATE,
                        ref,
                        due,
                        days_elapsed(due, now, tz, business=settings.business_time),
                        waiting_since=progress.clock_started_at,
                        stage=stage,
                    )
                )
    return items


def upcoming_for(panel: Panel, user_id: str, ref: PanelRef, roles: tuple[str, ...]) -> UpcomingItem:
    seat = _seat(panel, user_id)
    readiness = None
    if _runs(panel, user_id):
        states = [_prep(p) for p in panel.panelists]
        readiness = Readiness(
            confirmed=states.count(PrepState.CONFIRMED),
            declined=states.count(PrepState.DECLINED),
            total=len(states),
        )
    return UpcomingItem(
        ref,
        roles,
        _prep(seat) if seat is not None else None,
        readiness,
    )


def stalled_for(
    panel: Panel,
    progress: PanelProgress,
    blockers: Sequence[Blocker],
    now: datetime,
    settings: Settings,
    tz: str,
    ref: PanelRef,
    stage: Stage,
) -> StalledItem | None:
    # PanelProgress.stalled's rule, with the blockers already computed (they cost the most).
    due = progress.update_due_at(settings, tz)
    if not (now >= due or any(b.overdue for b in blockers)):
        return None
    return StalledItem(
        panel=ref,
        stage=stage,
        blockers=tuple(blockers),
        waiting_since=progress.clock_started_at,
        update_due_at=due,
        update_days_overdue=days_elapsed(due, now, tz, business=settings.business_time),
        recruiter_id=panel.recruiter_id,
    )


def build_agenda(
    user_id: str,
    panels: Sequence[Panel],
    progress: Mapping[int, PanelProgress],
    now: datetime,
    settings: Settings,
    tz: str,
    pages: HomePages = FIRST_PAGES,
) -> Agenda:
    """The person's home from the panels they sit on or run (others are ignored)."""
    actions: list[ActionItem] = []
    upcoming: list[UpcomingItem] = []
    stalled: list[StalledItem] = []
    runs_any = False
    for panel in panels:
        roles = roles_of(panel, user_id)
        if panel.is_cancelled or not roles:
            continue
        state = progress[panel.id]
        stage = state.stage(now)
        ref = panel_ref(panel)
        waiting = stage in WAITING
        blockers = state.blockers(now, settings, tz) if waiting else []
        if blockers:
            allowed = visibility.may_read_progress(state, user_id)
            blockers = visibility.blockers_for(blockers, allowed)
        actions += actions_for(panel, state, blockers, user_id, now, settings, tz, ref, stage)
        if stage is Stage.UPCOMING:
            upcoming.append(upcoming_for(panel, user_id, ref, roles))
        if _runs(panel, user_id):
            runs_any = True
            if waiting:
                stall = stalled_for(panel, state, blockers, now, settings, tz, ref, stage)
                if stall is not None:
                    stalled.append(stall)
    actions.sort(key=lambda i: (ACTION_ORDER[i.kind], i.due_at, i.panel.panel_id))
    upcoming.sort(key=lambda i: (i.panel.starts_at, i.panel.panel_id))
    stalled.sort(key=lambda i: (i.waiting_since, i.panel.panel_id))
    counts: dict[ActionKind, int] = {}
    for item in actions:
        counts[item.kind] = counts.get(item.kind, 0) + 1
    return Agenda(
        user_id=user_id,
        now=now,
        action=page_of(SectionName.ACTION, actions, pages.action, ACTION_PAGE_SIZE),
        upcoming=page_of(SectionName.UPCOMING, upcoming, pages.upcoming, UPCOMING_PAGE_SIZE),
        stalled=(
            page_of(SectionName.STALLED, stalled, pages.stalled, STALLED_PAGE_SIZE)
            if runs_any
            else None
        ),
        counts=counts,
    )
