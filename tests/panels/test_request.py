"""Request validation (``bot.panels.request``): the scheduling form's two steps and a new slot,
field by field. Pure: plain field maps in, a typed request or field errors out."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.models import FocusArea, PanelFormat, Perspective
from bot.panels import bounds
from bot.panels.request import (
    MAX_DURATION,
    MAX_PANELISTS,
    MAX_QUESTIONS,
    MAX_ROUND,
    MIN_DURATION,
    Assignment,
    PanelBasics,
    Slot,
    assignment_fields,
    check_assignments,
    check_basics,
    check_questions,
    check_slot,
    is_url,
    looks_like_link,
)

#: Monday 2 March 2026, 14:00 UTC (09:00 in New York).
NOW = datetime(2026, 3, 2, 14, 0, tzinfo=UTC)


def slot_fields(**changes: object) -> dict[str, object]:
    return {
        "start_date": "2026-03-04",
        "start_time": "10:00",
        "timezone": "America/New_York",
        "duration": "60",
    } | changes


def form(**changes: object) -> dict[str, object]:
    """A valid first step."""
    return {
        "candidate": "Ada Lovelace",
        "role_title": "Senior Data Engineer",
        "responsibilities": "Own the ingestion pipelines.",
        "round": "2",
        "format": "conversation",
        "location": "https://meet.example.com/ada",
        "panelists": ["U1", "U2"],
        "hiring_manager": "UHM",
        "recruiter": "UREC",
        "resume_url": "https://files.example.com/ada.pdf",
        **slot_fields(),
    } | changes


def errors_of(**changes: object) -> dict[str, str]:
    return check_basics(form(**changes), NOW).errors


# ---------------------------------------------------------------------- the slot
def test_a_local_time_becomes_a_utc_start_in_its_zone():
    checked = check_slot(slot_fields(), NOW)
    assert checked.errors == {}
    assert checked.value == Slot(datetime(2026, 3, 4, 15, 0, tzinfo=UTC), 60, "America/New_York")
    assert checked.value.ends_at == datetime(2026, 3, 4, 16, 0, tzinfo=UTC)


def test_the_same_wall_clock_time_moves_with_daylight_saving():
    # New York springs forward on 8 March 2026: 10:00 is 15:00 UTC before, 14:00 after.
    after = check_slot(slot_fields(start_date="2026-03-10"), NOW).value
    assert after.starts_at == datetime(2026, 3, 10, 14, 0, tzinfo=UTC)


def test_a_time_that_does_not_exist_on_the_day_clocks_change_is_refused():
    checked = check_slot(slot_fields(start_date="2026-03-08", start_time="02:30"), NOW)
    assert checked.errors == {
        "start_time": "02:30 does not exist on that day in America/New_York (clocks change)."
    }


@pytest.mark.parametrize(
    ("changes", "expected"),
    [
        ({"timezone": ""}, {"timezone": "Choose the time zone the start time is in."}),
        (
            {"timezone": "Mars/Olympus"},
            {"timezone": "That is not a time zone: type a city, e.g. Berlin."},
        ),
        (
            {"timezone": "../../etc/passwd"},
            {"timezone": "That is not a time zone: type a city, e.g. Berlin."},
        ),
        ({"start_date": ""}, {"start_date": "Pick the day of the panel."}),
        ({"start_time": "  "}, {"start_time": "Pick the start time."}),
        ({"start_date": "2026-02-30"}, {"start_date": "That is not a valid date and time."}),
        ({"start_time": "25:00"}, {"start_date": "That is not a valid date and time."}),
        ({"duration": "sixty"}, {"duration": "Enter the length in whole minutes."}),
        ({"duration": "-30"}, {"duration": "Enter the length in whole minutes."}),
        ({"duration": "12345"}, {"duration": "Enter the length in whole minutes."}),
        ({"duration": 60}, {"duration": "Enter the length in whole minutes."}),  # not text
    ],
)
def test_each_bad_slot_field_gets_its_own_message(changes, expected):
    checked = check_slot(slot_fields(**changes), NOW)
    assert checked.value is None
    assert checked.errors == expected


@pytest.mark.parametrize(
    ("minutes", "ok"),
    [
        (MIN_DURATION - 1, False),
        (MIN_DURATION, True),
        (MAX_DURATION, True),
        (MAX_DURATION + 1, False),
    ],
)
def test_a_panel_lasts_between_fifteen_minutes_and_eight_hours(minutes, ok):
    checked = check_slot(slot_fields(duration=str(minutes)), NOW)
    if ok:
        assert checked.errors == {} and checked.value.duration_minutes == minutes
    else:
        assert checked.errors == {"duration": "A panel lasts between 15 and 480 minutes (8 hours)."}


def test_a_duration_error_comes_with_the_start_errors_not_instead_of_them():
    checked = check_slot(slot_fields(duration="0", start_date=""), NOW)
    assert set(checked.errors) == {"duration", "start_date"}


def test_the_start_must_be_after_now_to_the_minute():
    # NOW is 09:00 in New York.
    assert check_slot(slot_fields(start_date="2026-03-02", start_time="09:00"), NOW).errors == {
        "start_date": "The start must be in the future."
    }
    assert check_slot(slot_fields(start_date="2026-03-02", start_time="09:01"), NOW).errors == {}


def test_long_past_days_are_refused_before_any_zone_arithmetic():
    # 00:30 on 1 January of year 1 in Kolkata would be year 0 in UTC, which does not exist.
    for day, tz in (("2026-02-01", "America/New_York"), ("0001-01-01", "Asia/Kolkata")):
        fields = slot_fields(start_date=day, start_time="00:30", timezone=tz)
        assert check_slot(fields, NOW).errors == {"start_date": "The start must be in the future."}


def test_a_panel_is_scheduled_at_most_a_year_ahead():
    last = (NOW.date() + bounds.MAX_START_AHEAD - timedelta(days=1)).isoformat()
    assert check_slot(slot_fields(start_date=last), NOW).errors == {}
    for day in (
        (NOW.date() + bounds.MAX_START_AHEAD + timedelta(days=1)).isoformat(),
        "9999-12-31",
    ):
        assert check_slot(slot_fields(start_date=day), NOW).errors == {
            "start_date": "Pick a day within the next year."
        }


@given(
    day=st.dates(min_value=date(2026, 3, 3), max_value=date(2027, 3, 1)),
    hour=st.integers(0, 23),
    minute=st.integers(0, 59),
    zone=st.sampled_from(["America/New_York", "Europe/Berlin", "Asia/Kolkata", "UTC"]),
)
def test_any_accepted_start_shows_the_same_wall_clock_time_in_its_zone(day, hour, minute, zone):
    fields = slot_fields(
        start_date=day.isoformat(), start_time=f"{hour:02}:{minute:02}", timezone=zone
    )
    checked = check_slot(fields, NOW)
    if checked.errors:  # only a time skipped by a clock change may be refused
        assert set(checked.errors) == {"start_time"}
        return
    starts_at = checked.value.starts_at
    assert starts_at.utcoffset() == timedelta(0) and starts_at > NOW
    shown = starts_at.astimezone(ZoneInfo(zone))
    assert (shown.date(), shown.hour, shown.minute) == (day, hour, minute)


# ---------------------------------------------------------------------- the first step
def test_a_valid_form_becomes_the_panel_basics():
    checked = check_basics(form(prior_questions="- Why us?\n\n2) Tell me about a failure"), NOW)
    assert checked.errors == {}
    basics = checked.value
    assert basics.candidate_name == "Ada Lovelace"
    assert basics.round_number == 2
    assert basics.format == PanelFormat.CONVERSATION
    assert basics.panelist_ids == ("U1", "U2")
    assert basics.resume_url == "https://files.example.com/ada.pdf"
    assert basics.prior_questions == ("Why us?", "Tell me about a failure")
    assert basics.prior_interviewer_ids == ()
    assert basics.slot.starts_at == datetime(2026, 3, 4, 15, 0, tzinfo=UTC)


def test_text_is_cleaned_before_it_is_kept():
    basics = check_basics(form(candidate="  Ada\u200b Lovelace\t"), NOW).value
    assert basics.candidate_name == "Ada Lovelace"


@pytest.mark.parametrize(
    ("name", "message"),
    [
        ("candidate", "Enter the candidate's name."),
        ("role_title", "Enter the role's title."),
        ("responsibilities", "Say what the role is responsible for."),
        ("location", "Enter a room or a video link."),
        ("format", "Choose the panel's format."),
        ("panelists", "Add at least one panelist."),
        ("hiring_manager", "Choose the hiring manager."),
        ("recruiter", "Choose the recruiter."),
    ],
)
def test_every_required_field_left_out_is_named(name, message):
    raw = form()
    del raw[name]
    assert check_basics(raw, NOW).errors == {name: message}


def test_a_required_field_with_nothing_visible_is_empty():
    assert errors_of(candidate="\u200b \u2060") == {"candidate": "Enter the candidate's name."}
    assert errors_of(responsibilities=" • ") == {
        "responsibilities": "Say what the role is responsible for."
    }


def test_optional_fields_may_be_left_out():
    raw = form()
    del raw["resume_url"]
    basics = check_basics(raw, NOW).value
    assert basics.resume_url is None and basics.prior_notes == "" and basics.prior_questions == ()


def test_every_problem_is_reported_at_once():
    raw = {"round": "99", "duration": "5", "resume_url": "not a link"}
    assert set(check_basics(raw, NOW).errors) == {
        "candidate",
        "role_title",
        "responsibilities",
        "location",
        "round",
        "format",
        "panelists",
        "hiring_manager",
        "recruiter",
        "resume_url",
        "timezone",
        "duration",
        "start_date",
        "start_time",
    }


@pytest.mark.parametrize(
    ("round_text", "expected"),
    [("", 2), ("1", 1), (str(MAX_ROUND), MAX_ROUND), (" 3 ", 3)],
)
def test_the_round_defaults_to_two(round_text, expected):
    assert check_basics(form(round=round_text), NOW).value.round_number == expected


@pytest.mark.parametrize("round_text", ["0", str(MAX_ROUND + 1), "two", "-1", "2.5", "100"])
def test_a_round_outside_one_to_ten_is_refused(round_text):
    assert errors_of(round=round_text) == {"round": "The round is a number from 1 to 10."}


@pytest.mark.parametrize("fmt", list(PanelFormat))
def test_every_format_is_accepted(fmt):
    assert check_basics(form(format=fmt.value), NOW).value.format == fmt


def test_an_unknown_format_is_refused():
    assert errors_of(format="interrogation") == {"format": "Choose the panel's format."}


def test_panelists_at_most_eight_and_each_once():
    eight = [f"U{i}" for i in range(MAX_PANELISTS)]
    assert check_basics(form(panelists=eight), NOW).errors == {}
    assert errors_of(panelists=[*eight, "U99"]) == {
        "panelists": "A panel has at most 8 people; you chose 9."
    }
    assert errors_of(panelists=["U1", "U2", "U1"]) == {
        "panelists": "The same person is on the panel twice."
    }


def test_panelist_ids_that_are_not_text_are_ignored():
    basics = check_basics(form(panelists=["U1", "", None, 7, "U2"]), NOW).value
    assert basics.panelist_ids == ("U1", "U2")
    assert errors_of(panelists=[None, ""]) == {"panelists": "Add at least one panelist."}


def test_a_room_is_a_location_and_a_link_must_be_a_real_url():
    assert check_basics(form(location="Room 4.2 (Hopper)"), NOW).errors == {}
    assert errors_of(location="https//meet.example.com") == {
        "location": "That link is not a valid URL (it should start with https://)."
    }
    assert errors_of(location="www.example.com/ada") == {
        "location": "That link is not a valid URL (it should start with https://)."
    }


@pytest.mark.parametrize(
    "link", ["ftp://files.example.com/cv.pdf", "files.example.com/cv.pdf", "https://localhost/cv"]
)
def test_the_resume_must_be_a_web_address(link):
    assert errors_of(resume_url=link) == {
        "resume_url": "The résumé link must be a URL starting with https://."
    }


def test_too_long_text_says_how_long_it_may_be():
    name = "A" * (bounds.CANDIDATE.max_length + 1)
    assert errors_of(candidate=name) == {"candidate": "Keep this to 200 characters (it has 201)."}
    assert check_basics(form(candidate=name[:-1]), NOW).errors == {}


def test_prior_interviewers_are_kept_in_order():
    basics = check_basics(form(prior_interviewers=["UR1", "U2"]), NOW).value
    assert basics.prior_interviewer_ids == ("UR1", "U2")


# ---------------------------------------------------------------------- questions
def test_questions_one_per_line_at_most_fifty():
    errors: dict[str, str] = {}
    fifty = "\n".join(f"Question {i}?" for i in range(MAX_QUESTIONS))
    assert len(check_questions({"q": fifty}, "q", errors)) == MAX_QUESTIONS and errors == {}
    check_questions({"q": fifty + "\nOne more?"}, "q", errors)
    assert errors == {"q": "List at most 50 questions, one per line."}


def test_a_question_too_long_is_named_by_its_number():
    errors: dict[str, str] = {}
    long = "W" * (bounds.QUESTION.max_length + 1)
    check_questions({"q": f"Fine?\n{long}\n{long}"}, "q", errors)
    assert errors == {"q": "Question 2 is 301 characters: keep each to 300, one per line."}


# ---------------------------------------------------------------------- links
@pytest.mark.parametrize(
    ("text", "url", "link"),
    [
        ("https://meet.example.com/ada", True, True),
        ("http://example.org", True, True),
        ("HTTPS://EXAMPLE.COM", True, True),
        ("https://localhost", False, True),
        ("https://", False, True),
        ("www.example.com", False, True),
        ("zoom://join/123", False, True),
        ("mailto:ada@example.com", False, False),
        ("Room 4.2", False, False),
        ("", False, False),
    ],
)
def test_what_is_a_url_and_what_only_looks_like_a_link(text, url, link):
    assert is_url(text) is url
    assert looks_like_link(text) is link


# ---------------------------------------------------------------------- the second step
def focus_form(*seats: tuple[str, str, str, str]) -> dict[str, str]:
    values = {}
    for user_id, focus, detail, perspective in seats:
        focus_field, detail_field, perspective_field = assignment_fields(user_id)
        values |= {focus_field: focus, detail_field: detail, perspective_field: perspective}
    return values


def test_each_panelist_gets_a_focus_and_a_seat_in_the_panels_order():
    raw = focus_form(
        ("U2", "culture_values", "", "leadership"),
        ("U1", "other", " Scope and ambition ", "peer"),
    )
    checked = check_assignments(raw, ("U1", "U2"))
    assert checked.errors == {}
    assert checked.value == (
        Assignment("U1", FocusArea.OTHER, Perspective.PEER, "Scope and ambition"),
        Assignment("U2", FocusArea.CULTURE_VALUES, Perspective.LEADERSHIP, ""),
    )


def test_missing_or_unknown_choices_are_named_per_panelist():
    raw = focus_form(("U1", "charm", "", "peer"), ("U2", "technical_depth", "", "bystander"))
    assert check_assignments(raw, ("U1", "U2", "U3")).errors == {
        "focus:U1": "Choose what this panelist focuses on.",
        "perspective:U2": "Choose the seat this panelist sits in.",
        "focus:U3": "Choose what this panelist focuses on.",
        "perspective:U3": "Choose the seat this panelist sits in.",
    }


def test_other_needs_a_description_and_only_one_error_for_it():
    assert check_assignments(focus_form(("U1", "other", "", "peer")), ("U1",)).errors == {
        "detail:U1": "Describe the focus when you choose Other."
    }
    too_long = "x" * (bounds.FOCUS_DETAIL.max_length + 1)
    errors = check_assignments(focus_form(("U1", "other", too_long, "peer")), ("U1",)).errors
    assert errors == {"detail:U1": "Keep this to 200 characters (it has 201)."}


def test_a_detail_for_a_named_focus_is_kept_but_not_required():
    checked = check_assignments(focus_form(("U1", "technical_depth", "SQL", "peer")), ("U1",))
    assert checked.value == (Assignment("U1", FocusArea.TECHNICAL_DEPTH, Perspective.PEER, "SQL"),)


def test_values_for_people_not_on_the_panel_are_ignored():
    raw = focus_form(("U1", "technical_depth", "", "peer"), ("UX", "charm", "", "nobody"))
    assert check_assignments(raw, ("U1",)).errors == {}


# ---------------------------------------------------------------------- kept between steps
TEXT = st.text(st.characters(blacklist_categories=("Cs",)), max_size=20)


@given(
    basics=st.builds(
        PanelBasics,
        candidate_name=TEXT,
        role_title=TEXT,
        responsibilities=TEXT,
        round_number=st.integers(1, MAX_ROUND),
        slot=st.builds(
            Slot,
            starts_at=st.datetimes(timezones=st.just(UTC)),
            duration_minutes=st.integers(MIN_DURATION, MAX_DURATION),
            timezone=st.sampled_from(["UTC", "Europe/Berlin"]),
        ),
        format=st.sampled_from([f.value for f in PanelFormat]),
        location=TEXT,
        panelist_ids=st.lists(TEXT, max_size=3).map(tuple),
        hiring_manager_id=TEXT,
        recruiter_id=TEXT,
        resume_url=st.none() | TEXT,
        prior_notes=TEXT,
        prior_questions=st.lists(TEXT, max_size=3).map(tuple),
        prior_interviewer_ids=st.lists(TEXT, max_size=3).map(tuple),
    )
)
def test_the_first_step_survives_its_trip_through_json(basics):
    """The first step waits in a draft (as JSON) while the coordinator fills in the second."""
    assert PanelBasics.from_json(json.loads(json.dumps(basics.to_json()))) == basics
