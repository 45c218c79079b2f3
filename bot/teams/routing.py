"""One deployment, two platforms: people and deliveries go to the platform they live on.

A panel's people are on one platform. Teams people are named by their Azure AD object id (a
GUID), which no Slack id ever looks like, so each lookup and each send goes to the platform
that owns the id, and nothing about one platform's people is ever asked of the other.
"""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from datetime import datetime
from typing import Any

from bot.config import GUID
from bot.delivery import Delivery, FileToShare, Posted
from bot.people import Person
from bot.platform import Notice


def on_teams(user_id: str) -> bool:
    return bool(GUID.fullmatch(user_id or ""))


class RoutingDirectory:
    def __init__(self, slack: Any, teams: Any) -> None:
        self.slack = slack
        self.teams = teams

    def _for(self, user_id: str) -> Any:
        return self.teams if on_teams(user_id) else self.slack

    async def person(self, user_id: str) -> Person:
        person: Person = await self._for(user_id).person(user_id)
        return person

    async def person_quickly(self, user_id: str, within: float = 1.0) -> Person:
        person: Person = await self._for(user_id).person_quickly(user_id, within)
        return person

    async def people(
        self, user_ids: list[str], *, within: float | None = None
    ) -> dict[str, Person]:
        teams = [u for u in user_ids if on_teams(u)]
        slack = [u for u in user_ids if not on_teams(u)]
        parts = await asyncio.gather(
            self.slack.people(slack, within=within) if slack else _nothing(),
            self.teams.people(teams, within=within) if teams else _nothing(),
        )
        found = {**parts[0], **parts[1]}
        return {u: found[u] for u in dict.fromkeys(user_ids)}


async def _nothing() -> dict[str, Person]:
    return {}


class RoutingPlatform:
    def __init__(self, slack: Any, teams: Any) -> None:
        self.slack = slack
        self.teams = teams
        # The dispatcher paces sends per person; the stricter platform's pace holds for both.
        self.pace_per_recipient = max(slack.pace_per_recipient, teams.pace_per_recipient)

    def _for(self, user_id: str) -> Any:
        return self.teams if on_teams(user_id) else self.slack

    async def send_direct(
        self, recipient: Person, notice: Notice, *, nudge_ids: Sequence[int] = ()
    ) -> Delivery:
        delivery: Delivery = await self._for(recipient.id).send_direct(
            recipient, notice, nudge_ids=nudge_ids
        )
        return delivery

    async def update(self, recipient: Person, where: Delivery, notice: Notice) -> Delivery:
        delivery: Delivery = await self._for(recipient.id).update(recipient, where, notice)
        return delivery

    async def send_file(self, recipient: Person, file: FileToShare) -> Delivery:
        delivery: Delivery = await self._for(recipient.id).send_file(recipient, file)
        return delivery

    async def delete_file(self, where: Delivery) -> None:
        await self._for(where.channel).delete_file(where)

    async def reply_privately(self, recipient_id: str, text: str) -> None:
        await self._for(recipient_id).reply_privately(recipient_id, text)

    async def posted_since(self, recipient: Person, since: datetime) -> list[Posted]:
        posted: list[Posted] = await self._for(recipient.id).posted_since(recipient, since)
        return posted

    async def refresh_home(self, user_id: str) -> None:
        await self._for(user_id).refresh_home(user_id)
