"""Business time: business-day arithmetic and working-hours holds, across zones and DST.

Expected instants are written with their UTC offset, so each row states exactly which instant
is right (and which daylight-saving side of a change it is on).
"""

from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta

import pytest

from bot.config import WorkingHours
from scheduling.business_time import DAY, add_duration, days_elapsed, within_working_hours
from tests.support.policy import at

NY = "America/New_York"
BERLIN = "Europe/Berlin"
CAIRO = "Africa/Cairo"  # changes clocks on weekdays (Friday / Thursday) in 2026
LA = "America/Los_Angeles"
KOLKATA = "Asia/Kolkata"
NINE_TO_FIVE = WorkingHours.parse("09:00-17:00")


def days(n: int) -> timedelta:
    return timedelta(days=n)


def hours(n: float) -> timedelta:
    return timedelta(hours=n)


# --- add_duration -----------------------------------------------------------------------

BUSINESS_DAYS = [
    # (start, delta, zone, expected)
    ("2026-06-12T15:00-04:00", days(1), NY, "2026-06-15T15:00-04:00"),  # Fri → Mon
    ("2026-06-12T15:00-04:00", hours(48), NY, "2026-06-16T15:00-04:00"),  # Fri → Tue
    ("2026-06-12T15:00-04:00", days(3), NY, "2026-06-17T15:00-04:00"),  # Fri → Wed
    ("2026-06-12T15:00-04:00", hours(24), NY, "2026-06-15T15:00-04:00"),  # PT24H is a day
    ("2026-06-15T10:00-04:00", days(1), NY, "2026-06-16T10:00-04:00"),  # Mon → Tue
    ("2026-06-17T10:00-04:00", days(3), NY, "2026-06-22T10:00-04:00"),  # Wed → Mon
    ("2026-06-15T10:00-04:00", days(5), NY, "2026-06-22T10:00-04:00"),  # a business week
    ("2026-06-15T10:00-04:00", -days(1), NY, "2026-06-12T10:00-04:00"),  # Mon ← Fri
    ("2026-06-16T10:00-04:00", -days(3), NY, "2026-06-11T10:00-04:00"),  # Tue ← Thu
    ("2026-06-12T23:30-04:00", days(1), NY, "2026-06-15T23:30-04:00"),  # late Friday
]

WEEKEND_STARTS = [
    # forwards, the clock starts on Monday 00:00 local
    ("2026-06-13T14:00-04:00", days(1), NY, "2026-06-16T00:00-04:00"),  # Sat → Tue 00:00
    ("2026-06-14T23:00-04:00", days(1), NY, "2026-06-16T00:00-04:00"),  # Sun → Tue 00:00
    ("2026-06-13T14:00-04:00", days(3), NY, "2026-06-18T00:00-04:00"),  # Sat → Thu 00:00
    # backwards, from Saturday 00:00 local (the end of Friday)
    ("2026-06-14T20:00-04:00", -days(1), NY, "2026-06-12T00:00-04:00"),  # Sun → Fri 00:00
    ("2026-06-13T09:00-04:00", -days(2), NY, "2026-06-11T00:00-04:00"),  # Sat → Thu 00:00
    # the weekend is the recipient's: Friday 22:00 UTC is already Saturday in Kolkata
    ("2026-06-12T22:00+00:00", days(1), LA, "2026-06-15T15:00-07:00"),
    ("2026-06-12T22:00+00:00", days(1), KOLKATA, "2026-06-16T00:00+05:30"),
]

DST = [
    # New York springs forward on Sunday 2026-03-08: same wall time, one hour less between
    ("2026-03-06T15:00-05:00", days(1), NY, "2026-03-09T15:00-04:00"),
    ("2026-03-06T15:00-05:00", days(3), NY, "2026-03-11T15:00-04:00"),
    ("2026-03-09T10:00-04:00", -hours(24), NY, "2026-03-06T10:00-05:00"),
    # ... and falls back on Sunday 2026-11-01
    ("2026-10-30T15:00-04:00", days(1), NY, "2026-11-02T15:00-05:00"),
    ("2026-11-02T10:00-05:00", -days(1), NY, "2026-10-30T10:00-04:00"),
    # Berlin springs forward on Sunday 2026-03-29 and falls back on Sunday 2026-10-25
    ("2026-03-27T15:00+01:00", days(1), BERLIN, "2026-03-30T15:00+02:00"),
    ("2026-03-30T10:00+02:00", -days(1), BERLIN, "2026-03-27T10:00+01:00"),
    ("2026-10-23T15:00+02:00", days(1), BERLIN, "2026-10-26T15:00+01:00"),
    ("2026-10-26T10:00+01:00", -days(1), BERLIN, "2026-10-23T10:00+02:00"),
    # Cairo: Friday 2026-04-24 00:00-01:00 does not exist; 00:30 resolves forward to 01:30
    ("2026-04-23T00:30+02:00", days(1), CAIRO, "2026-04-24T01:30+03:00"),
    # Cairo: Thursday 2026-10-29 23:00-24:00 happens twice; the first occurrence is taken
    ("2026-10-28T23:30+03:00", days(1), CAIRO, "2026-10-29T23:30+03:00"),
]

ELAPSED = [
    # not whole days: plain elapsed time, weekends included
    ("2026-06-12T15:00-04:00", hours(2), NY, True, "2026-06-12T17:00-04:00"),
    ("2026-06-12T23:00-04:00", hours(2), NY, True, "2026-06-13T01:00-04:00"),
    ("2026-06-13T10:00-04:00", -hours(2), NY, True, "2026-06-13T08:00-04:00"),
    ("2026-06-12T15:00-04:00", days(1) + hours(2), NY, True, "2026-06-13T17:00-04:00"),
    # business time off: every delta is elapsed time, so DST moves the wall clock
    ("2026-06-12T15:00-04:00", days(1), NY, False, "2026-06-13T15:00-04:00"),
    ("2026-03-07T12:00-05:00", days(1), NY, False, "2026-03-08T13:00-04:00"),
    ("2026-06-15T10:00-04:00", -days(1), NY, False, "2026-06-14T10:00-04:00"),
]


@pytest.mark.parametrize(("start", "delta", "tz", "expected"), BUSINESS_DAYS)
def test_whole_days_count_business_days(start, delta, tz, expected):
    assert add_duration(at(start), delta, tz, business=True) == at(expected)


@pytest.mark.parametrize(("start", "delta", "tz", "expected"), WEEKEND_STARTS)
def test_weekend_starts_count_from_the_edge_of_the_weekend(start, delta, tz, expected):
    assert add_duration(at(start), delta, tz, business=True) == at(expected)


@pytest.mark.parametrize(("start", "delta", "tz", "expected"), DST)
def test_business_days_keep_local_wall_time_across_dst(start, delta, tz, expected):
    assert add_duration(at(start), delta, tz, business=True) == at(expected)


@pytest.mark.parametrize(("start", "delta", "tz", "business", "expected"), ELAPSED)
def test_sub_day_or_non_business_deltas_are_elapsed_time(start, delta, tz, business, expected):
    assert add_duration(at(start), delta, tz, business=business) == at(expected)


@pytest.mark.parametrize("business", [True, False])
def test_add_duration_returns_utc(business):
    result = add_duration(at("2026-06-12T15:00-04:00"), days(1), NY, business=business)
    assert result.tzinfo is UTC


def test_zero_delta_is_the_start_even_on_a_weekend():
    saturday = at("2026-06-13T14:00-04:00")
    assert add_duration(saturday, timedelta(0), NY, business=True) == saturday


def test_naive_start_is_refused():
    with pytest.raises(ValueError, match="aware"):
        add_duration(datetime(2026, 6, 12, 15), days(1), NY, business=True)


# --- within_working_hours ---------------------------------------------------------------

HOLDS = [
    # (at, zone, expected) with 09:00-17:00
    ("2026-06-17T10:00-04:00", NY, "2026-06-17T10:00-04:00"),  # inside: unchanged
    ("2026-06-17T09:00-04:00", NY, "2026-06-17T09:00-04:00"),  # opening is inside
    ("2026-06-17T07:30-04:00", NY, "2026-06-17T09:00-04:00"),  # early → this morning
    ("2026-06-17T18:00-04:00", NY, "2026-06-18T09:00-04:00"),  # evening → next morning
    ("2026-06-17T17:00-04:00", NY, "2026-06-18T09:00-04:00"),  # closing is outside
    ("2026-06-19T17:30-04:00", NY, "2026-06-22T09:00-04:00"),  # Friday evening → Monday
    ("2026-06-20T12:00-04:00", NY, "2026-06-22T09:00-04:00"),  # Saturday → Monday
    # over a clock change, 09:00 is still 09:00 local
    ("2026-03-06T18:00-05:00", NY, "2026-03-09T09:00-04:00"),  # spring forward
    ("2026-03-08T10:00-04:00", NY, "2026-03-09T09:00-04:00"),  # the Sunday itself
    ("2026-10-30T18:00-04:00", NY, "2026-11-02T09:00-05:00"),  # fall back
    ("2026-03-27T18:00+01:00", BERLIN, "2026-03-30T09:00+02:00"),
    ("2026-10-23T18:00+02:00", BERLIN, "2026-10-26T09:00+01:00"),
    ("2026-04-23T18:00+02:00", CAIRO, "2026-04-24T09:00+03:00"),  # a weekday change
    # one instant, two recipients: each waits for their own morning
    ("2026-06-15T16:00+00:00", LA, "2026-06-15T09:00-07:00"),
    ("2026-06-15T16:00+00:00", KOLKATA, "2026-06-16T09:00+05:30"),
]


@pytest.mark.parametrize(("moment", "tz", "expected"), HOLDS)
def test_held_until_working_hours(moment, tz, expected):
    assert within_working_hours(at(moment), tz, NINE_TO_FIVE, business=True) == at(expected)


EDGE_HOURS = [
    # opening at a local time that does not exist that day: resolved forward by the gap
    ("00:30-08:00", "2026-04-23T23:00+02:00", CAIRO, "2026-04-24T01:30+03:00"),
    # closing at a local time that happens twice: the window runs to the later one
    ("09:00-23:30", "2026-10-29T23:45+03:00", CAIRO, "2026-10-29T23:45+03:00"),
    ("09:00-23:30", "2026-10-29T23:45+02:00", CAIRO, "2026-10-30T09:00+02:00"),
]


@pytest.mark.parametrize(("window", "moment", "tz", "expected"), EDGE_HOURS)
def test_nonexistent_and_ambiguous_window_edges(window, moment, tz, expected):
    hours_ = WorkingHours.parse(window)
    assert within_working_hours(at(moment), tz, hours_, business=True) == at(expected)


@pytest.mark.parametrize(
    "moment",
    ["2026-06-17T23:00-04:00", "2026-06-20T12:00-04:00", "2026-03-08T03:30-04:00"],
)
def test_no_hold_without_business_time(moment):
    assert within_working_hours(at(moment), NY, NINE_TO_FIVE, business=False) == at(moment)


def test_hold_returns_utc():
    held = within_working_hours(at("2026-06-17T18:00-04:00"), NY, NINE_TO_FIVE, business=True)
    assert held.tzinfo is UTC


@pytest.mark.parametrize("tz", ["UTC", "America/New_York", "Europe/Berlin", "Africa/Cairo"])
def test_days_elapsed_counts_exactly_the_business_days_add_duration_steps(tz):
    """The fast count agrees with stepping add_duration a day at a time, across weekends and
    clock changes (600 random spans of up to two months in 2026-2027)."""
    rng = random.Random(tz)
    for _ in range(600):
        start = datetime(2026, 1, 1, tzinfo=UTC) + timedelta(minutes=rng.randrange(60 * 24 * 400))
        end = start + timedelta(minutes=rng.randrange(-1000, 60 * 24 * 60))
        stepped = 0
        while end > start and add_duration(start, DAY * (stepped + 1), tz, business=True) <= end:
            stepped += 1
        assert days_elapsed(start, end, tz, business=True) == stepped, (start, end)


def test_days_elapsed_without_business_time_is_calendar_days():
    start = datetime(2026, 11, 27, 16, tzinfo=UTC)  # a Friday
    assert days_elapsed(start, start + timedelta(days=3, hours=1), "UTC", business=False) == 3
    assert days_elapsed(start, start + timedelta(days=3, hours=1), "UTC", business=True) == 1
    assert days_elapsed(start, start - timedelta(days=1), "UTC", business=True) == 0


def test_whole_day_durations_agree_with_stepping_one_day_at_a_time():
    """add_duration counts business days in whole weeks; the same as stepping day by day,
    forwards and backwards, from business days and from weekends (2,000 random cases)."""
    rng = random.Random(15)
    for _ in range(2_000):
        start = datetime(2026, 1, 1, tzinfo=UTC) + timedelta(minutes=rng.randrange(60 * 24 * 400))
        days = rng.randint(-60, 60)
        stepped = start
        for _ in range(abs(days)):
            stepped = add_duration(stepped, DAY if days > 0 else -DAY, "UTC", business=True)
        assert add_duration(start, DAY * days, "UTC", business=True) == stepped, (start, days)
