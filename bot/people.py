"""People as the core sees them: a name, a job title and a time zone, whatever the platform."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError


@dataclass(frozen=True)
class Person:
    id: str
    name: str
    title: str = ""
    tz: str = "UTC"
    is_bot: bool = False
    active: bool = True

    @property
    def zone(self) -> ZoneInfo:
        return zone_or_utc(self.tz)

    @property
    def first_name(self) -> str:
        return self.name.split()[0] if self.name.strip() else self.name

    def name_with_title(self) -> str:
        return f"{self.name}, {self.title}" if self.title else self.name


class Directory(Protocol):
    """Looks people up on the chat platform (names, titles, time zones)."""

    async def person(self, user_id: str) -> Person: ...

    async def people(self, user_ids: list[str]) -> dict[str, Person]: ...


def zone_or_utc(name: str) -> ZoneInfo:
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        return ZoneInfo("UTC")
