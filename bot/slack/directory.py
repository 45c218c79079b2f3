"""Slack's user directory (``users.info``) with a short cache, as a ``bot.people.Directory``."""

from __future__ import annotations

import asyncio
import logging
import time

from slack_sdk.web.async_client import AsyncWebClient

from bot.people import Person
from bot.slack.client import SlackError, classify

log = logging.getLogger(__name__)

CACHE_SECONDS = 15 * 60


class SlackDirectory:
    """Profiles change rarely; caching them keeps listeners well inside Slack's 3-second ack."""

    def __init__(self, client: AsyncWebClient, ttl: float = CACHE_SECONDS) -> None:
        self._client = client
        self._ttl = ttl
        self._cache: dict[str, tuple[float, Person]] = {}
        self._lookups: dict[str, asyncio.Task[Person]] = {}  # in flight, shared by callers

    async def person(self, user_id: str) -> Person:
        cached = self._cache.get(user_id)
        if cached and cached[0] > time.monotonic():
            return cached[1]
        task = self._lookups.get(user_id)
        if task is None:
            task = self._lookups[user_id] = asyncio.ensure_future(self._look_up(user_id))
            task.add_done_callback(lambda _t: self._lookups.pop(user_id, None))
        # Shielded: a caller that stops waiting (a time budget) leaves the lookup running.
        return await asyncio.shield(task)

    async def _look_up(self, user_id: str) -> Person:
        try:
            response = await self._client.users_info(user=user_id)
        except Exception as exc:
            error = classify("users.info", exc)
            log.warning("could not look up %s: %s", user_id, error)
            if _gone(error):  # a clear answer: nobody by that ID (cached like any answer)
                person = Person(id=user_id, name=user_id, active=False)
                self._cache[user_id] = (time.monotonic() + self._ttl, person)
                return person
            # Slack is down or slow: not cached, and marked as not known.
            return Person(id=user_id, name=user_id, known=False)
        person = _person_from(response["user"])
        self._cache[user_id] = (time.monotonic() + self._ttl, person)
        return person

    async def by_email(self, email: str) -> Person | None:
        """The active person with this email (``users.lookupByEmail``, scope
        ``users:read.email``), or None when Slack knows nobody by it. Slack being down raises
        (``SlackError``): "nobody" and "can't say now" must not look alike."""
        key = f"email:{email.casefold()}"
        cached = self._cache.get(key)
        if cached and cached[0] > time.monotonic():
            return cached[1] if cached[1].active else None
        try:
            response = await self._client.users_lookupByEmail(email=email)
        except Exception as exc:
            error = classify("users.lookupByEmail", exc)
            if error.error == "users_not_found":
                return None
            raise error from exc
        person = _person_from(response["user"])
        self._cache[key] = (time.monotonic() + self._ttl, person)
        self._cache[person.id] = (time.monotonic() + self._ttl, person)
        return person if person.active and not person.is_bot else None

    async def person_quickly(self, user_id: str, within: float = 1.0) -> Person:
        """For answers inside Slack's 3-second ack: a cache miss that is slow falls back to UTC."""
        try:
            return await asyncio.wait_for(self.person(user_id), within)
        except TimeoutError:
            log.warning("users.info for %s was slow; answering in UTC", user_id)
            return Person(id=user_id, name=user_id, known=False)

    async def people(
        self, user_ids: list[str], *, within: float | None = None
    ) -> dict[str, Person]:
        """Everyone at once (in parallel). With ``within``, whoever Slack has not answered for
        by then comes back ``known=False``; their lookups go on and fill the cache."""
        unique = list(dict.fromkeys(user_ids))
        if within is None:
            found = await asyncio.gather(*(self.person(u) for u in unique))
            return dict(zip(unique, found, strict=True))
        tasks = {u: asyncio.ensure_future(self.person(u)) for u in unique}
        if tasks:
            await asyncio.wait(tasks.values(), timeout=within)
        result = {}
        for user_id, task in tasks.items():
            if task.done() and not task.cancelled() and task.exception() is None:
                result[user_id] = task.result()
            else:
                task.cancel()  # only this caller's wait: the shielded lookup carries on
                result[user_id] = Person(id=user_id, name=user_id, known=False)
        return result


def _gone(error: SlackError) -> bool:
    return error.error == "user_not_found"


def _person_from(user: dict) -> Person:
    profile = user.get("profile") or {}
    name = (
        profile.get("real_name")
        or user.get("real_name")
        or profile.get("display_name")
        or user.get("name")
        or user["id"]
    )
    return Person(
        id=user["id"],
        name=name,
        title=profile.get("title") or "",
        tz=user.get("tz") or "UTC",
        is_bot=bool(user.get("is_bot")),
        active=not user.get("deleted", False),
    )
