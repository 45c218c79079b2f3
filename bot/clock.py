"""The one source of "now" for the whole process.

Nothing reads the system time directly: the demo's simulated clock, ``--as-of`` and
``HIREBOT_CLOCK_OFFSET`` all work by handing a different clock to the same code.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Protocol


class Clock(Protocol):
    def now(self) -> datetime:
        """The current instant, timezone-aware, in UTC."""
        ...


class SystemClock:
    """Wall-clock time, optionally shifted forward (``HIREBOT_CLOCK_OFFSET``)."""

    def __init__(self, offset: timedelta = timedelta(0)) -> None:
        self.offset = offset

    def now(self) -> datetime:
        return datetime.now(UTC) + self.offset


class FixedClock:
    """A clock that only moves when told to: for ``--as-of``, the demo and tests."""

    def __init__(self, at: datetime) -> None:
        self._at = as_utc(at)

    def now(self) -> datetime:
        return self._at

    def set(self, at: datetime) -> None:
        self._at = as_utc(at)

    def advance(self, by: timedelta) -> datetime:
        self._at += by
        return self._at


def as_utc(moment: datetime) -> datetime:
    """Normalise to aware UTC; naive datetimes (as SQLite returns them) are taken as UTC."""
    if moment.tzinfo is None:
        return moment.replace(tzinfo=UTC)
    return moment.astimezone(UTC)
