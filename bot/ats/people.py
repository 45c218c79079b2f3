"""Who the ATS's people are in chat, and which workspace their panel lives in.

The ATS knows people by email. Each chat platform HireBot serves answers "who has this email?"
through its own directory (Slack's ``users.lookupByEmail``, Microsoft Graph's users filter):
that is the port, ``EmailDirectory``. A panel's people are all in one workspace, so an
interview is matched on one platform only:

- with one platform configured, it is that one;
- with both, the interview's coordinator (else its organiser) is looked up on each, and the
  platform that alone knows them takes the panel;
- when that does not decide (nobody to coordinate, or known on both or neither), everyone is
  looked up on each platform and the one that knows the most people takes it; a tie goes to
  the first platform configured (Slack).

Then everyone is matched on that platform only. A platform that cannot answer now (a 429, an
outage) raises the typed delivery errors, and the ATS task queue tries the interview again.
"""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Protocol

from bot.ats.connector import AtsPerson
from bot.people import Person


class EmailDirectory(Protocol):
    """Chat users by email: the port Slack's and Teams' directories implement."""

    async def by_email(self, email: str) -> Person | None:
        """The active person with this email, or None when the platform knows nobody by it.
        Raises ``bot.delivery`` errors when it cannot say now: "nobody" and "can't say now"
        must not look alike."""
        ...


@dataclass(frozen=True)
class PeopleByEmail:
    """One workspace's people, found by email."""

    platform: str  # a ``bot.models.Platform`` value
    #: The workspace's own id there (the Teams tenant; "" for the Slack workspace HireBot is
    #: installed in, whose team id ``bot.workspaces`` learns from Slack's own requests).
    workspace: str
    directory: EmailDirectory


@dataclass(frozen=True)
class Matched:
    """Everyone the ATS named, matched in one workspace."""

    where: PeopleByEmail
    users: dict[str, str]  # chat user id by email
    missing: tuple[AtsPerson, ...]  # named in the ATS, unknown in that workspace


async def match(where: PeopleByEmail, people: Sequence[AtsPerson]) -> Matched:
    """Chat user ids by email for everyone named, and who could not be found."""
    unique = list({p.email: p for p in people if p.email}.values())
    found = await asyncio.gather(*(where.directory.by_email(p.email) for p in unique))
    users = {p.email: person.id for p, person in zip(unique, found, strict=True) if person}
    missing = tuple(p for p, person in zip(unique, found, strict=True) if person is None)
    return Matched(where, users, missing)


async def choose(
    places: Sequence[PeopleByEmail], leads: Sequence[AtsPerson | None], people: Sequence[AtsPerson]
) -> PeopleByEmail:
    """The workspace an interview's panel goes to (see the module's docstring). ``leads``:
    who coordinates it, in order of preference (the coordinator, the organiser)."""
    if len(places) == 1:
        return places[0]
    for lead in leads:
        if lead is None or not lead.email:
            continue
        known = await asyncio.gather(*(p.directory.by_email(lead.email) for p in places))
        holding = [place for place, person in zip(places, known, strict=True) if person]
        if len(holding) == 1:
            return holding[0]
        if holding:
            break  # known on several: the lead does not decide
    counts = [len((await match(place, people)).users) for place in places]
    return places[counts.index(max(counts))]  # the first of the best: ties go to Slack
