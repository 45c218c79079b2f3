"""Business time: day-durations in business days, and holding nudges for working hours.

Everything here is pure: instants go in and come out as aware UTC datetimes, and the
recipient's IANA zone is only used to decide what "a day" and "09:00" mean for that person.

The model (``HIREBOT_BUSINESS_TIME``): the clock is paused over the weekend (Saturday and
Sunday in the recipient's zone), so a duration of whole days counts Monday–Friday only and keeps
the local wall time, even when a daylight-saving change falls in between. Durations that are not
whole days (``PT2H``) are plain elapsed time: they are about "before the panel starts", where the
weekend does not stop anything.

Local times that do not exist (skipped by a spring-forward) resolve forward by the size of the
gap (02:30 on a 02:00→03:00 day is 03:30); local times that happen twice (fall-back) resolve to
the first occurrence. Both follow from PEP 495's ``fold=0``.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from functools import lru_cache
from zoneinfo import ZoneInfo

from bot.config import WorkingHours

DAY = timedelta(days=1)
SATURDAY = 5  # date.weekday(): Monday is 0


@lru_cache(maxsize=512)
def zone(name: str) -> ZoneInfo:
    """The IANA zone ``name``; raises ``ZoneInfoNotFoundError`` for an unknown name."""
    return ZoneInfo(name)


def is_business_day(day: date) -> bool:
    """Monday to Friday (public holidays are not modelled)."""
    return day.weekday() < SATURDAY


def add_duration(start: datetime, delta: timedelta, tz: str, *, business: bool) -> datetime:
    """``start`` moved by ``delta``, in business time when ``business`` is set.

    A ``delta`` of whole days (``P3D``, ``PT48H``; negative too) counts business days in ``tz``
    and keeps the local wall time: ``P3D`` from Friday 15:00 is Wednesday 15:00 local, on
    either side of a daylight-saving change. Anything else (``PT2H``, ``P1DT2H``) is plain
    elapsed time, as is every ``delta`` when ``business`` is off.

    A start on a weekend counts from the edge of the weekend it is on, as if the clock were
    paused there: forwards from Monday 00:00 (Saturday 14:00 + ``P1D`` is Tuesday 00:00, after
    one whole business day), backwards from Saturday 00:00, the end of Friday (Sunday 20:00 -
    ``P1D`` is Friday 00:00).
    """
    return _add_duration(require_aware(start), delta, tz, business)


@lru_cache(maxsize=8192)
def _add_duration(start: datetime, delta: timedelta, tz: str, business: bool) -> datetime:
    """:func:`add_duration` of a UTC ``start``, remembered: a home judges a few hundred
    panels' due dates, the same ones each time it is built (pure, so nothing goes stale)."""
    if not business or not _is_whole_days(delta) or not delta:
        return start + delta
    local = start.astimezone(zone(tz)).replace(tzinfo=None)
    days = delta // DAY
    local = _clamp_out_of_weekend(local, forwards=days > 0)
    moved = _step_business_days(local.date(), days)
    return _to_utc(datetime.combine(moved, local.time()), tz)


def within_working_hours(at: datetime, tz: str, hours: WorkingHours, *, business: bool) -> datetime:
    """The first instant at or after ``at`` inside ``hours`` on a business day in ``tz``.

    Non-urgent nudges wait for this, so nobody is pinged in their evening or weekend. With
    ``business`` off working hours do not apply and ``at`` is returned unchanged. The window is
    computed from local wall times each day, so 09:00 stays 09:00 local on a day the clocks
    change; the window's end is exclusive (17:00 sharp waits for the next morning).
    """
    at = require_aware(at)
    if not business:
        return at
    day = at.astimezone(zone(tz)).date()
    for _ in range(8):  # at most a weekend (plus a day) away
        if is_business_day(day):
            opens, closes = _window(day, tz, hours)
            if at < opens:
                return opens
            if at < closes:
                return at
        day += DAY
    raise AssertionError("no business day within a week")  # pragma: no cover


def _window(day: date, tz: str, hours: WorkingHours) -> tuple[datetime, datetime]:
    """Working hours of ``day`` as UTC instants; an ambiguous end takes its later reading."""
    opens = _to_utc(datetime.combine(day, hours.start), tz)
    closes = _to_utc(datetime.combine(day, hours.end), tz, fold=1)
    return opens, closes


def _is_whole_days(delta: timedelta) -> bool:
    return delta % DAY == timedelta(0)


def _clamp_out_of_weekend(local: datetime, *, forwards: bool) -> datetime:
    """A naive local weekend time moved to the weekend's edge in the direction of travel."""
    day = local.date()
    if is_business_day(day):
        return local
    saturday = day - timedelta(days=day.weekday() - SATURDAY)
    edge = saturday + 2 * DAY if forwards else saturday
    return datetime.combine(edge, time())


def _step_business_days(day: date, days: int) -> date:
    """``day`` moved by ``days`` business days, skipping Saturdays and Sundays.

    Counted in whole weeks (five business days each), not a day at a time: a panel months ago
    is as cheap as one yesterday. Forwards it is the ``days``-th business day after ``day``;
    backwards the ``-days``-th before it (``day`` itself never counts, weekend or not).
    """
    if days > 0:
        return _nth_business_day(_business_index(day) + days)
    if days < 0:
        return _nth_business_day(_business_index(day - DAY) + days + 1)
    return day


def _business_index(day: date) -> int:
    """How many business days there are from 0001-01-01 (a Monday) to ``day`` inclusive."""
    weeks, rest = divmod(day.toordinal(), 7)  # ordinal 1 is that Monday
    return 5 * weeks + min(rest, 5)


def _nth_business_day(n: int) -> date:
    """The business day whose :func:`_business_index` is ``n``."""
    weeks, rest = divmod(n - 1, 5)
    return date.fromordinal(7 * weeks + rest + 1)


def _to_utc(local: datetime, tz: str, *, fold: int = 0) -> datetime:
    """A naive local wall time in ``tz`` as an aware UTC instant (PEP 495 ``fold``)."""
    return local.replace(tzinfo=zone(tz), fold=fold).astimezone(UTC)


def require_aware(moment: datetime) -> datetime:
    """``moment`` in UTC; naive ones are refused, as a guess at their zone misplaces nudges."""
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise ValueError("an aware datetime is required")
    return moment.astimezone(UTC)


def days_elapsed(start: datetime, end: datetime, tz: str, *, business: bool) -> int:
    """Whole days from ``start`` to ``end`` (0 if ``end`` is earlier): business days in ``tz``
    when ``business`` is set, so "2 business days overdue" reads the same way nudges are timed.

    The largest ``k`` with ``add_duration(start, k days) <= end``: estimated from the calendar
    (five business days a week), then settled against :func:`add_duration` itself, so App Home
    can count it for hundreds of panels without stepping day by day.
    """
    start, end = require_aware(start), require_aware(end)
    if end <= start:
        return 0
    if not business:
        return (end - start) // DAY
    first = _clamp_out_of_weekend(start.astimezone(zone(tz)).replace(tzinfo=None), forwards=True)
    days = _business_days_after(first.date(), end.astimezone(zone(tz)).date())

    def reached(k: int) -> bool:
        return add_duration(start, DAY * k, tz, business=True) <= end

    while days > 0 and not reached(days):
        days -= 1
    while reached(days + 1):
        days += 1
    return days


def _business_days_after(first: date, last: date) -> int:
    """Business days in ``(first, last]``."""
    span = (last - first).days
    if span <= 0:
        return 0
    weeks, rest = divmod(span, 7)
    return weeks * 5 + sum(is_business_day(first + DAY * i) for i in range(1, rest + 1))
