"""The composition check (``bot.panels.composition``), rule by rule: what each warning says,
where its edges are, and that a well-built panel gets none. Pure: no app, no database."""

from __future__ import annotations

from collections import Counter
from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.config import WorkingHours
from bot.models import FocusArea, PanelFormat, Perspective
from bot.panels.composition import (
    BASE_MINUTES,
    EXERCISE_MINUTES,
    MINUTES_PER_PANELIST,
    check_composition,
    outside_working_hours,
    recommended_minutes,
)
from bot.panels.request import Assignment
from bot.people import Person

PEER, CROSS, LEAD = Perspective.PEER, Perspective.CROSS_FUNCTIONAL, Perspective.LEADERSHIP
TECH, CULTURE = FocusArea.TECHNICAL_DEPTH, FocusArea.CULTURE_VALUES
ALIGN, OTHER = FocusArea.STAKEHOLDER_ALIGNMENT, FocusArea.OTHER
NAMES = {"U1": "Pat Peer", "U2": "Carlos Cross", "U3": "Lee Leader", "U4": "Priya Peer"}
#: A panel that should draw no warning: every seat, every must-cover focus, once each.
BALANCED = (
    Assignment("U1", TECH, PEER),
    Assignment("U2", ALIGN, CROSS),
    Assignment("U3", CULTURE, LEAD),
)


def warnings(seats=BALANCED, **changes):
    arguments = {
        "duration_minutes": 120,
        "panel_format": PanelFormat.CONVERSATION,
        "prior_interviewer_ids": (),
        "names": NAMES,
    } | changes
    return check_composition(seats, **arguments)


def codes(seats=BALANCED, **changes) -> list[str]:
    return [w.code for w in warnings(seats, **changes)]


def text(code: str, seats=BALANCED, **changes) -> str:
    (found,) = [w.text for w in warnings(seats, **changes) if w.code == code]
    return found


# ---------------------------------------------------------------------- time needed
def test_recommended_minutes_allow_introductions_each_panelist_and_an_exercise():
    assert recommended_minutes(3, PanelFormat.CONVERSATION) == 45
    assert recommended_minutes(3, PanelFormat.CASE_STUDY) == 65
    assert recommended_minutes(0, PanelFormat.CONVERSATION) == BASE_MINUTES


@given(size=st.integers(0, 8), fmt=st.sampled_from(list(PanelFormat)))
def test_each_panelist_adds_ten_minutes_and_only_a_conversation_skips_the_exercise(size, fmt):
    minutes = recommended_minutes(size, fmt)
    assert recommended_minutes(size + 1, fmt) - minutes == MINUTES_PER_PANELIST
    exercise = 0 if fmt is PanelFormat.CONVERSATION else EXERCISE_MINUTES
    assert minutes == BASE_MINUTES + MINUTES_PER_PANELIST * size + exercise


@pytest.mark.parametrize("fmt", list(PanelFormat))
def test_a_slot_exactly_as_long_as_recommended_is_enough_and_a_minute_less_is_short(fmt):
    needed = recommended_minutes(len(BALANCED), fmt)
    assert codes(duration_minutes=needed, panel_format=fmt) == []
    assert codes(duration_minutes=needed - 1, panel_format=fmt) == ["short_slot"]
    assert text("short_slot", duration_minutes=needed - 1, panel_format=fmt) == (
        f"{needed - 1} minutes is short for 3 panelists: allow at least {needed} so everyone"
        " can ask and the candidate has time for questions."
    )


def test_one_panelist_is_named_in_the_singular():
    seat = (Assignment("U1", TECH, PEER),)
    assert "short for 1 panelist:" in text("short_slot", seat, duration_minutes=20)


# ---------------------------------------------------------------------- a good panel
def test_a_balanced_panel_draws_no_warning():
    assert warnings() == []


# ---------------------------------------------------------------------- perspectives
@pytest.mark.parametrize(
    ("left_out", "expected"),
    [
        (
            PEER,
            "No future peer on the panel: nobody who would work alongside the candidate day"
            " to day.",
        ),
        (
            CROSS,
            "No cross-functional stakeholder on the panel: nobody from the teams this role"
            " works with.",
        ),
        (LEAD, "No leadership on the panel: nobody from leadership."),
    ],
)
def test_each_missing_perspective_is_named_with_why_it_matters(left_out, expected):
    # The same three focus areas, but the seat left out sits where another already does.
    other = next(p for p in (PEER, CROSS, LEAD) if p != left_out)
    seats = tuple(
        Assignment(s.user_id, s.focus_area, other if s.perspective == left_out else s.perspective)
        for s in BALANCED
    )
    assert codes(seats) == [f"missing_{left_out}"]
    assert text(f"missing_{left_out}", seats) == expected


def test_an_empty_panel_misses_every_perspective_and_focus_but_is_never_short():
    assert codes((), duration_minutes=BASE_MINUTES) == [
        "missing_peer",
        "missing_cross_functional",
        "missing_leadership",
        "uncovered_focus",
    ]
    assert text("uncovered_focus", ()) == (
        "Nobody covers technical depth, culture and values and stakeholder alignment."
    )


# ---------------------------------------------------------------------- focus
def test_two_panelists_on_one_focus_are_told_they_will_ask_the_same_things():
    seats = (*BALANCED, Assignment("U4", TECH, PEER))
    assert codes(seats) == ["shared_focus"]
    assert text("shared_focus", seats) == (
        "Pat Peer and Priya Peer share the focus “Technical depth”: they are likely to ask the"
        " same things."
    )


def test_three_sharing_a_focus_are_listed_and_someone_unnamed_by_their_id():
    seats = (
        *BALANCED,
        Assignment("U4", CULTURE, PEER),
        Assignment("U9", CULTURE, CROSS),
    )
    assert text("shared_focus", seats).startswith(
        "Lee Leader, Priya Peer and U9 share the focus “Culture and values”"
    )


def test_other_focuses_are_the_same_when_their_details_differ_only_in_case_and_spacing():
    seats = (
        *BALANCED,
        Assignment("U4", OTHER, PEER, "Scope and ambition"),
        Assignment("U5", OTHER, CROSS, "  scope AND ambition "),
    )
    # The label is the first one's own wording.
    assert "share the focus “Scope and ambition”" in text("shared_focus", seats)


def test_other_focuses_with_different_details_are_distinct():
    seats = (
        *BALANCED,
        Assignment("U4", OTHER, PEER, "Scope and ambition"),
        Assignment("U5", OTHER, CROSS, "Data governance"),
    )
    assert codes(seats) == []


def test_each_pair_sharing_a_focus_gets_its_own_warning():
    seats = (
        *BALANCED,
        Assignment("U4", TECH, PEER),
        Assignment("U5", ALIGN, CROSS),
    )
    assert codes(seats) == ["shared_focus", "shared_focus"]


@pytest.mark.parametrize("left_out", [TECH, CULTURE, ALIGN])
def test_an_uncovered_focus_is_named(left_out):
    seats = tuple(
        Assignment(
            s.user_id,
            FocusArea.CASE_REVIEW if s.focus_area == left_out else s.focus_area,
            s.perspective,
        )
        for s in BALANCED
    )
    label = {TECH: "technical depth", CULTURE: "culture and values", ALIGN: "stakeholder alignment"}
    assert codes(seats) == ["uncovered_focus"]
    assert text("uncovered_focus", seats) == f"Nobody covers {label[left_out]}."


# ---------------------------------------------------------------------- who sits
def test_one_round_one_interviewer_already_interviewed_two_interviewed():
    one = text("prior_interviewer", prior_interviewer_ids=("U2", "UNOTSEATED"))
    assert one == (
        "Carlos Cross already interviewed this candidate in an earlier round: fresh eyes add more."
    )
    two = text("prior_interviewer", prior_interviewer_ids=("U3", "U1"))
    assert two.startswith("Pat Peer and Lee Leader interviewed this candidate")  # seat order


def test_prior_interviewers_not_on_the_panel_draw_nothing():
    assert codes(prior_interviewer_ids=("U7", "U8")) == []


def test_an_owner_on_the_panel_is_told_what_that_changes_for_them():
    found = text("owner_seated", owners={"U3": "hiring manager", "UREC": "recruiter"})
    assert found.startswith("Lee Leader is also the hiring manager: as a panelist they see")
    unnamed = text("owner_seated", names={}, owners={"U1": "coordinator"})
    assert unnamed.startswith("One panelist is also the coordinator:")


def test_every_seated_owner_gets_a_warning_of_their_own():
    owners = {"U1": "coordinator", "U2": "recruiter", "UHM": "hiring manager"}
    assert codes(owners=owners) == ["owner_seated", "owner_seated"]


def test_no_resume_is_a_warning_of_its_own():
    assert codes(has_resume=False) == ["no_resume"]
    assert text("no_resume", has_resume=False) == (
        "No résumé link yet: panelists can't prepare without it."
    )


def test_every_problem_at_once_comes_in_a_stable_order():
    seats = (Assignment("U1", TECH, PEER), Assignment("U4", TECH, PEER))
    assert codes(
        seats,
        duration_minutes=20,
        prior_interviewer_ids=("U4",),
        has_resume=False,
        owners={"U1": "coordinator"},
    ) == [
        "owner_seated",
        "no_resume",
        "missing_cross_functional",
        "missing_leadership",
        "shared_focus",
        "uncovered_focus",
        "prior_interviewer",
        "short_slot",
    ]


# ---------------------------------------------------------------------- properties
SEATS = st.lists(
    st.builds(
        Assignment,
        user_id=st.sampled_from(["U1", "U2", "U3", "U4", "U5", "U6"]),
        focus_area=st.sampled_from(list(FocusArea)),
        perspective=st.sampled_from(list(Perspective)),
        focus_detail=st.sampled_from(["", "Scope", "scope ", "Data"]),
    ),
    max_size=6,
    unique_by=lambda s: s.user_id,
)


@given(seats=SEATS, duration=st.integers(15, 480), fmt=st.sampled_from(list(PanelFormat)))
def test_the_same_panel_in_any_seat_order_draws_the_same_kinds_of_warning(seats, duration, fmt):
    forward = codes(tuple(seats), duration_minutes=duration, panel_format=fmt)
    backward = codes(tuple(reversed(seats)), duration_minutes=duration, panel_format=fmt)
    assert Counter(forward) == Counter(backward)


@given(seats=SEATS, duration=st.integers(15, 480), fmt=st.sampled_from(list(PanelFormat)))
def test_short_slot_exactly_when_below_the_recommendation(seats, duration, fmt):
    found = codes(tuple(seats), duration_minutes=duration, panel_format=fmt)
    assert ("short_slot" in found) == (duration < recommended_minutes(len(seats), fmt))


@given(seats=SEATS)
def test_a_perspective_is_reported_missing_exactly_when_no_seat_has_it(seats):
    found = set(codes(tuple(seats)))
    for perspective in Perspective:
        missing = all(s.perspective != perspective for s in seats)
        assert (f"missing_{perspective}" in found) == missing


@given(seats=SEATS)
def test_shared_focus_warnings_count_the_groups_of_two_or_more(seats):
    groups = Counter(
        (s.focus_area, s.focus_detail.strip().lower() if s.focus_area == OTHER else "")
        for s in seats
    )
    shared = sum(1 for size in groups.values() if size > 1)
    assert codes(tuple(seats)).count("shared_focus") == shared


# ---------------------------------------------------------------------- working hours
NINE_TO_FIVE = WorkingHours.parse("09:00-17:00")
BERLIN = Person("U1", "Pat Peer", tz="Europe/Berlin")
NEW_YORK = Person("U2", "Nia York", tz="America/New_York")
#: Wednesday 4 March 2026.
WEDNESDAY = datetime(2026, 3, 4, tzinfo=UTC)


def late_for(start: datetime, minutes: int, *people: Person, business: bool = True):
    return outside_working_hours(
        start, timedelta(minutes=minutes), people, NINE_TO_FIVE, business=business
    )


def test_a_slot_inside_everyones_hours_draws_nothing():
    # 14:00 UTC: 15:00 in Berlin, 09:00 in New York; an hour ends at 16:00 and 10:00.
    assert late_for(WEDNESDAY.replace(hour=14), 60, BERLIN, NEW_YORK) is None


def test_a_slot_from_opening_to_closing_time_exactly_is_inside():
    # Berlin is UTC+1 in March: 09:00-17:00 there is 08:00-16:00 UTC.
    assert late_for(WEDNESDAY.replace(hour=8), 8 * 60, BERLIN) is None


def test_a_minute_before_opening_or_after_closing_is_outside():
    assert late_for(WEDNESDAY.replace(hour=7, minute=59), 60, BERLIN) is not None
    assert late_for(WEDNESDAY.replace(hour=15), 61, BERLIN) is not None


def test_the_warning_names_each_person_with_the_slot_in_their_own_time():
    warning = late_for(WEDNESDAY.replace(hour=19, minute=30), 60, BERLIN, NEW_YORK)
    assert warning is not None and warning.code == "outside_working_hours"
    # 20:30 in Berlin is late; 14:30 in New York is fine, so only Pat is named.
    assert warning.text == (
        "Outside working hours (09:00-17:00, their own time) for Pat Peer (Wed 20:30–21:30 CET):"
        " is there a time that suits everyone?"
    )


def test_two_people_outside_are_joined_with_and():
    warning = late_for(WEDNESDAY.replace(hour=12), 60, BERLIN, NEW_YORK)  # 13:00 / 07:00
    assert warning is not None
    assert "for Nia York (Wed 07:00–08:00 EST)" in warning.text
    both = late_for(WEDNESDAY.replace(hour=23), 60, BERLIN, NEW_YORK)  # 00:00 / 18:00
    assert both is not None
    assert "for Pat Peer (Thu 00:00–01:00 CET) and Nia York (Wed 18:00–19:00 EST)" in both.text


def test_a_slot_running_past_midnight_is_outside_even_when_it_wraps_to_early_hours():
    long_day = WorkingHours.parse("00:00-23:59")
    warning = outside_working_hours(
        WEDNESDAY.replace(hour=22), timedelta(hours=2), [BERLIN], long_day, business=False
    )
    assert warning is not None  # 23:00 to 01:00 the next day in Berlin


def test_a_weekend_is_outside_only_with_business_time_on():
    saturday = datetime(2026, 3, 7, 10, tzinfo=UTC)  # 11:00 in Berlin
    assert late_for(saturday, 60, BERLIN, business=True) is not None
    assert late_for(saturday, 60, BERLIN, business=False) is None


def test_the_weekend_is_the_persons_own():
    # Friday 23:30 in New York is already Saturday in Berlin.
    friday_night = datetime(2026, 3, 7, 4, 30, tzinfo=UTC)
    always = WorkingHours.parse("00:00-23:59")
    found = outside_working_hours(
        friday_night, timedelta(minutes=15), [BERLIN, NEW_YORK], always, business=True
    )
    assert found is not None
    assert "Pat Peer (Sat 05:30–05:45 CET)" in found.text and "Nia York" not in found.text


def test_nobody_to_check_draws_nothing():
    assert late_for(WEDNESDAY.replace(hour=3), 60) is None
