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
    #: False when the platform could not say who this is (slow, down): the name is then only
    #: the ID and the zone a guess, so neither is shown to a candidate or stored for later.
    known: bool = True

    @property
    def zone(self) -> ZoneInfo:
        return zone_or_utc(self.tz)

    @property
    def first_name(self) -> str:
        return self.name.split()[0] if self.name.strip() else self.name

    def name_with_title(self) -> str:
        return f"{self.name}, {self.title}" if self.title else self.name


#: Slack's own bots that are not flagged ``is_bot`` in their profile.
NOT_PEOPLE = frozenset({"USLACKBOT"})


def unusable(person: Person) -> str | None:
    """Why this account cannot sit on or run a panel, or None. Somebody the platform could not
    look up in time is given the benefit of the doubt (None): only a clear answer refuses."""
    if not person.known:
        return None
    if person.is_bot or person.id in NOT_PEOPLE:
        return "That's a bot, not a person: pick someone who can interview."
    if not person.active:
        return "That account is deactivated or doesn't exist here: pick someone else."
    return None


class Directory(Protocol):
    """Looks people up on the chat platform (names, titles, time zones)."""

    async def person(self, user_id: str) -> Person: ...

    async def people(
        self, user_ids: list[str], *, within: float | None = None
    ) -> dict[str, Person]:
        """``within``: a time budget in seconds; whoever is not looked up by then comes back
        with ``known=False`` (the lookups carry on and fill the cache)."""
        ...


#: Zones a form offers first, before the one the person searches for.
COMMON_ZONES = (
    "America/Los_Angeles",
    "America/Denver",
    "America/Chicago",
    "America/New_York",
    "America/Sao_Paulo",
    "Europe/London",
    "Europe/Berlin",
    "Europe/Paris",
    "Africa/Lagos",
    "Asia/Dubai",
    "Asia/Kolkata",
    "Asia/Singapore",
    "Asia/Tokyo",
    "Australia/Sydney",
    "UTC",
)

#: The longest IANA zone name is 32 characters; the column holds 64.
MAX_ZONE_NAME = 64


def zone_named(name: str) -> ZoneInfo | None:
    """The IANA zone called ``name``, or None for anything else (whatever was typed: a path,
    a name too long for the file system, control characters)."""
    if not name or len(name) > MAX_ZONE_NAME or not name.isprintable():
        return None
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError, OSError):
        return None


def zone_or_utc(name: str) -> ZoneInfo:
    return zone_named(name) or ZoneInfo("UTC")
