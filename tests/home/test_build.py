"""What App Home lists for one person (``bot.home.build`` and the paging in ``bot.home.agenda``),
from panels held in memory: who is asked to do what, which panels are upcoming, which are
stalled, and how long lists are paged. Pure: no app, no database."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.followup.loading import progress_of
from bot.followup.progress import BlockerKind, DecisionState, Stage
from bot.home.agenda import (
    FIRST_PAGES,
    ActionKind,
    HomePages,
    PrepState,
    Readiness,
    SectionName,
    page_of,
)
from bot.home.build import UPCOMING_PAGE_SIZE, build_agenda, roles_of
from bot.models import Candidate, Panel, Panelist, PanelStatus, Role
from tests.support.policy import settings

#: Wednesday 2 December 2026, 15:00 UTC (10:00 in New York).
NOW = datetime(2026, 12, 2, 15, 0, tzinfo=UTC)
NY = "America/New_York"
COORDINATOR, MANAGER, RECRUITER = "UCOORD", "UHM", "UREC"


def seat(
    user_id: str,
    *,
    confirmed: bool = False,
    declined: bool = False,
    questions: int = 0,
) -> Panelist:
    return Panelist(
        user_id=user_id,
        focus_area="technical_depth",
        perspective="peer",
        confirmed_at=NOW - timedelta(days=3) if confirmed else None,
        declined_at=NOW - timedelta(days=3) if declined else None,
        excused_at=None,
        planned_questions=[f"Question {i}?" for i in range(questions)],
    )


def panel(
    panel_id: int,
    starts_at: datetime,
    *seats: Panelist,
    status: str = PanelStatus.SCHEDULED,
    candidate: str = "Ada Lovelace",
) -> Panel:
    return Panel(
        id=panel_id,
        candidate=Candidate(name=candidate),
        role=Role(title="Senior Data Engineer"),
        round_number=2,
        starts_at=starts_at,
        duration_minutes=60,
        coordinator_id=COORDINATOR,
        hiring_manager_id=MANAGER,
        recruiter_id=RECRUITER,
        status=status,
        panelists=list(seats),
    )


def home(
    user_id: str,
    *panels: Panel,
    feedback: dict[int, dict[str, datetime]] | None = None,
    decisions: dict[int, DecisionState] | None = None,
    updates: dict[int, datetime] | None = None,
    now: datetime = NOW,
    pages: HomePages = FIRST_PAGES,
):
    progress = {
        p.id: progress_of(
            p,
            (feedback or {}).get(p.id, {}),
            (decisions or {}).get(p.id),
            (updates or {}).get(p.id),
        )
        for p in panels
    }
    return build_agenda(user_id, panels, progress, now, settings(), NY, pages)


def kinds(agenda) -> list[tuple[ActionKind, int]]:
    return [(item.kind, item.panel.panel_id) for item in agenda.action.items]


TOMORROW = NOW + timedelta(days=1)
#: A panel that ended on Friday 27 November 2026 at 16:00 UTC (11:00 in New York).
ENDED_AT = datetime(2026, 11, 27, 15, 0, tzinfo=UTC)


# ---------------------------------------------------------------------- before the panel
def test_a_panelist_who_has_not_confirmed_is_asked_to_review_the_packet():
    agenda = home("U1", panel(1, TOMORROW, seat("U1", questions=2), seat("U2")))
    (action,) = agenda.action.items
    assert action.kind is ActionKind.REVIEW_PACKET
    assert action.due_at == TOMORROW and action.days_overdue == 0
    assert action.planned_questions == 2
    assert (action.panel.reference, action.panel.candidate_name) == ("P-1", "Ada Lovelace")
    (upcoming,) = agenda.upcoming.items
    assert upcoming.roles == ("panelist",)
    assert upcoming.prep is PrepState.PENDING
    assert upcoming.readiness is None  # a panelist does not see the others' prep
    assert agenda.stalled is None  # a panelist runs nothing
    assert agenda.counts == {ActionKind.REVIEW_PACKET: 1}


@pytest.mark.parametrize(
    ("state", "prep"),
    [({"confirmed": True}, PrepState.CONFIRMED), ({"declined": True}, PrepState.DECLINED)],
)
def test_a_panelist_who_confirmed_or_declined_has_nothing_to_review(state, prep):
    agenda = home("U1", panel(1, TOMORROW, seat("U1", **state)))
    assert agenda.action.items == () and agenda.counts == {}
    assert agenda.upcoming.items[0].prep is prep


def test_declining_wins_over_an_earlier_confirmation():
    agenda = home("U1", panel(1, TOMORROW, seat("U1", confirmed=True, declined=True)))
    assert agenda.upcoming.items[0].prep is PrepState.DECLINED


def test_the_people_who_run_a_panel_see_its_readiness_and_a_stalled_section():
    p = panel(1, TOMORROW, seat("U1", confirmed=True), seat("U2", declined=True), seat("U3"))
    for owner in (COORDINATOR, MANAGER, RECRUITER):
        agenda = home(owner, p)
        (upcoming,) = agenda.upcoming.items
        assert upcoming.readiness == Readiness(confirmed=1, declined=1, total=3)
        assert upcoming.prep is None
        assert agenda.action.items == ()
        assert agenda.stalled is not None and agenda.stalled.items == ()


def test_roles_are_listed_in_a_fixed_order_whoever_holds_several():
    p = panel(1, TOMORROW, seat(COORDINATOR))
    p.recruiter_id = COORDINATOR
    assert roles_of(p, COORDINATOR) == ("coordinator", "recruiter", "panelist")
    assert roles_of(p, MANAGER) == ("hiring manager",)
    assert roles_of(p, "UNOBODY") == ()


def test_panels_the_person_is_not_on_or_that_were_cancelled_are_left_out():
    mine = panel(1, TOMORROW, seat("U1"))
    theirs = panel(2, TOMORROW, seat("U2"))
    cancelled = panel(3, TOMORROW, seat("U1"), status=PanelStatus.CANCELLED)
    agenda = home("U1", mine, theirs, cancelled)
    assert [i.panel.panel_id for i in agenda.upcoming.items] == [1]
    assert kinds(agenda) == [(ActionKind.REVIEW_PACKET, 1)]
    assert home("UNOBODY", mine, theirs).upcoming.items == ()
    # Running only a cancelled panel is running nothing: no stalled section.
    assert home(COORDINATOR, cancelled).stalled is None


def test_upcoming_panels_are_listed_soonest_first():
    later = panel(1, TOMORROW + timedelta(days=1), seat("U1"))
    sooner = panel(2, TOMORROW, seat("U1"))
    same_time = panel(3, TOMORROW, seat("U1"))
    agenda = home("U1", later, sooner, same_time)
    assert [i.panel.panel_id for i in agenda.upcoming.items] == [2, 3, 1]
    assert [i.panel.panel_id for i in agenda.action.items] == [2, 3, 1]


def test_a_panel_under_way_is_neither_to_review_nor_awaiting_feedback():
    started = panel(1, NOW - timedelta(minutes=30), seat("U1"))
    agenda = home("U1", started)
    assert agenda.action.items == ()
    assert [i.panel.panel_id for i in agenda.upcoming.items] == [1]  # until it ends


# ---------------------------------------------------------------------- after the panel
def ended(*seats: Panelist) -> Panel:
    return panel(1, ENDED_AT, *seats)


def test_a_panelist_owing_feedback_is_asked_for_it_with_business_days_overdue():
    p = ended(seat("U1"), seat("U2"))
    agenda = home("U1", p, feedback={1: {"U2": ENDED_AT + timedelta(hours=2)}})
    (action,) = agenda.action.items
    assert action.kind is ActionKind.SUBMIT_FEEDBACK
    # Due 24 business hours after Friday 11:00 in New York: Monday 11:00 (16:00 UTC).
    assert action.due_at == datetime(2026, 11, 30, 16, 0, tzinfo=UTC)
    assert action.days_overdue == 1  # Monday 11:00 to Wednesday 10:00 in New York
    assert agenda.upcoming.items == ()  # it has ended
    assert home("U2", p, feedback={1: {"U2": ENDED_AT}}).action.items == ()


def test_the_hiring_manager_decides_once_all_feedback_is_in_and_sees_a_hold_reason():
    p = ended(seat("U1"), seat("U2", declined=True))
    hold = DecisionState("hold", "waiting for references", MANAGER, ENDED_AT + timedelta(days=1))
    agenda = home(MANAGER, p, feedback={1: {"U1": ENDED_AT}}, decisions={1: hold})
    (action,) = agenda.action.items
    assert action.kind is ActionKind.DECIDE
    assert action.note == "on hold: waiting for references"
    assert home(MANAGER, p).action.items == ()  # feedback still owed: nothing to decide yet


def test_after_the_decision_the_recruiter_is_asked_to_update_the_candidate_once():
    p = ended(seat("U1"))
    offer = DecisionState("offer", "", MANAGER, NOW - timedelta(hours=1))
    fed = {1: {"U1": ENDED_AT}}
    # Thursday: the decision's blocker is due, and the candidate-update clock (P3D after
    # Friday's end) has run out too. They are the same task: one item, the blocker's.
    thursday = NOW + timedelta(days=1)
    agenda = home(RECRUITER, p, feedback=fed, decisions={1: offer}, now=thursday)
    assert kinds(agenda) == [(ActionKind.UPDATE_CANDIDATE, 1)]
    assert agenda.action.items[0].note == "decided: offer"
    told = {1: NOW - timedelta(minutes=5)}
    after = home(RECRUITER, p, feedback=fed, decisions={1: offer}, updates=told, now=thursday)
    assert after.action.items == ()


def test_the_recruiter_hears_of_the_candidate_clock_whatever_stage_blocks():
    p = ended(seat("U1"))
    before = home(RECRUITER, p, now=datetime(2026, 12, 2, 15, 59, tzinfo=UTC))
    assert before.action.items == ()  # due Wednesday 11:00 in New York: not yet
    agenda = home(RECRUITER, p, now=datetime(2026, 12, 2, 16, 0, tzinfo=UTC))
    (action,) = agenda.action.items
    assert action.kind is ActionKind.UPDATE_CANDIDATE
    assert action.stage is Stage.FEEDBACK  # what the candidate still waits for
    assert action.waiting_since == p.ends_at
    assert action.days_overdue == 0


def test_an_update_after_the_panel_restarts_the_candidate_clock():
    p = ended(seat("U1"))
    agenda = home(RECRUITER, p, updates={1: ENDED_AT + timedelta(days=2)})
    assert agenda.action.items == ()


# ---------------------------------------------------------------------- stalled
def test_a_blocker_past_its_due_time_puts_the_panel_on_the_owners_stalled_list():
    p = ended(seat("U1"), seat("U2"))
    agenda = home(COORDINATOR, p, feedback={1: {"U2": ENDED_AT}})
    (item,) = agenda.stalled.items
    assert item.stage is Stage.FEEDBACK
    assert [(b.kind, b.owner_id) for b in item.blockers] == [(BlockerKind.FEEDBACK, "U1")]
    assert item.waiting_since == p.ends_at and item.recruiter_id == RECRUITER
    assert item.update_due_at == datetime(2026, 12, 2, 16, 0, tzinfo=UTC)
    assert item.update_days_overdue == 0


def test_nothing_overdue_nothing_stalled():
    p = ended(seat("U1"))
    agenda = home(COORDINATOR, p, now=ENDED_AT + timedelta(hours=2))
    assert agenda.stalled is not None and agenda.stalled.items == ()


def test_stalled_panels_longest_waiting_first():
    early = panel(1, ENDED_AT - timedelta(days=2), seat("U1"))
    late = panel(2, ENDED_AT, seat("U1"))
    agenda = home(COORDINATOR, late, early)
    assert [i.panel.panel_id for i in agenda.stalled.items] == [1, 2]


# ---------------------------------------------------------------------- order and counts
def test_actions_are_ordered_by_kind_then_due_time_and_counted_by_kind():
    # U1 sits on two upcoming panels and owes feedback on two ended ones.
    panels = [
        panel(1, TOMORROW + timedelta(days=1), seat("U1")),
        panel(2, ENDED_AT, seat("U1")),
        panel(3, TOMORROW, seat("U1")),
        panel(4, ENDED_AT - timedelta(days=1), seat("U1")),
    ]
    agenda = home("U1", *panels)
    assert kinds(agenda) == [
        (ActionKind.REVIEW_PACKET, 3),
        (ActionKind.REVIEW_PACKET, 1),
        (ActionKind.SUBMIT_FEEDBACK, 4),
        (ActionKind.SUBMIT_FEEDBACK, 2),
    ]
    assert agenda.counts == {ActionKind.REVIEW_PACKET: 2, ActionKind.SUBMIT_FEEDBACK: 2}


# ---------------------------------------------------------------------- paging
def many_upcoming(count: int) -> list[Panel]:
    return [panel(i, TOMORROW + timedelta(hours=i), seat("U1")) for i in range(1, count + 1)]


def test_a_long_list_is_paged_and_counted_whole():
    agenda = home("U1", *many_upcoming(25), pages=HomePages(upcoming=1))
    upcoming = agenda.upcoming
    assert (upcoming.total, upcoming.page, len(upcoming.items)) == (25, 1, UPCOMING_PAGE_SIZE)
    assert [i.panel.panel_id for i in upcoming.items] == list(range(11, 21))
    assert upcoming.has_previous and upcoming.remaining == 5 and upcoming.last_page == 2
    assert agenda.counts == {ActionKind.REVIEW_PACKET: 25}  # every item, not only the page's
    assert agenda.action.page == 0  # each section keeps its own page


def test_a_page_past_the_end_shows_the_last_one():
    agenda = home("U1", *many_upcoming(25), pages=HomePages(upcoming=7, action=-3))
    assert agenda.upcoming.page == 2 and len(agenda.upcoming.items) == 5
    assert agenda.upcoming.remaining == 0
    assert agenda.pages == HomePages(action=0, upcoming=2, stalled=0)


def test_an_empty_section_is_one_empty_page():
    section = page_of(SectionName.ACTION, [], 3, 10)
    assert (section.page, section.items, section.remaining, section.last_page) == (0, (), 0, 0)
    assert not section.has_previous


@given(
    total=st.integers(0, 60),
    page=st.integers(-5, 20),
    size=st.integers(1, 12),
)
def test_a_page_is_the_slice_it_says_it_is(total, page, size):
    items = list(range(total))
    section = page_of(SectionName.UPCOMING, items, page, size)
    assert 0 <= section.page <= section.last_page
    assert list(section.items) == items[section.start : section.start + size]
    assert section.start + len(section.items) + section.remaining == total or total == 0
    assert len(section.items) == size or section.remaining == 0
    assert section.has_previous == (section.page > 0)


# ---------------------------------------------------------------------- pages in buttons
@given(
    action=st.integers(0, 10_000),
    upcoming=st.integers(0, 10_000),
    stalled=st.integers(0, 10_000),
)
def test_pages_survive_their_trip_through_a_button_value(action, upcoming, stalled):
    pages = HomePages(action, upcoming, stalled)
    assert HomePages.decode(pages.encode()) == pages


def test_pages_encode_readably():
    assert HomePages(1, 0, 4).encode() == "action=1,upcoming=0,stalled=4"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("", HomePages()),
        ("garbage", HomePages()),
        ("upcoming=2", HomePages(upcoming=2)),
        ("upcoming=-2,stalled=x,action=3", HomePages(action=3)),
        ("secret=4,upcoming=1", HomePages(upcoming=1)),
        ("action=99999999999999999999", HomePages(action=10_000)),
    ],
)
def test_an_unreadable_button_value_means_the_first_pages(text, expected):
    assert HomePages.decode(text) == expected


@given(st.text(max_size=60))
def test_any_button_value_decodes_to_pages_within_bounds(text):
    pages = HomePages.decode(text)
    assert all(0 <= pages.of(name) <= 10_000 for name in SectionName)


def test_moving_one_section_keeps_the_others_and_never_goes_below_zero():
    pages = HomePages(action=2, upcoming=5, stalled=1)
    assert pages.with_page(SectionName.UPCOMING, 6) == HomePages(2, 6, 1)
    assert pages.with_page(SectionName.ACTION, -1) == HomePages(0, 5, 1)
