"""Each Teams person's home card: sent, kept (one per person), updated in place, answered.

- ``send``: a new home card in the person's chat (the welcome on install, the ``home``
  command). Its activity id is stored; the card it replaces becomes a one-line pointer to it.
- ``refresh``: the person's panels changed (``bot.home.refresh`` through the platform port):
  the stored card is updated in place (``PUT``; Teams keeps the activity id). Nobody gets a
  home they didn't have: with no stored card this does nothing, and a card Teams no longer
  knows is forgotten (the next ``home`` sends a new one).
- ``card``: the current card, for Teams' automatic refresh (``adaptiveCard/action``) and the
  home's own buttons. Always the asker's own home, whoever's card they were looking at.
"""

from __future__ import annotations

import json
import logging
from typing import Any

from bot.clock import Clock
from bot.config import Settings
from bot.db import Database
from bot.delivery import Delivery, DeliveryError, RecipientGone
from bot.home.agenda import FIRST_PAGES, HomePages
from bot.home.service import HomeService
from bot.models import TeamsHomeCard
from bot.teams.cards import Card, card_problems, fill_mentions, mentioned, message
from bot.teams.graph import GraphDirectory
from bot.teams.home_card import home_card, retired_card
from bot.teams.platform import NAME_BUDGET, TeamsPlatform
from bot.teams.references import References, _insert

log = logging.getLogger(__name__)

SUMMARY = "Your HireBot home"


class TeamsHome:
    def __init__(
        self,
        db: Database,
        clock: Clock,
        settings: Settings,
        homes: HomeService,
        platform: TeamsPlatform,
        references: References,
        directory: GraphDirectory,
    ) -> None:
        self.db = db
        self.clock = clock
        self.settings = settings
        self.homes = homes  # the process's one, caches included (as Slack's App Home)
        self.platform = platform
        self.references = references
        self.directory = directory

    async def card(
        self,
        user_id: str,
        pages: HomePages = FIRST_PAGES,
        *,
        welcome: bool = False,
        problem: str = "",
    ) -> Card:
        """``user_id``'s home as it is now, names filled in, checked as every card is."""
        reader = await self.directory.person_quickly(user_id, NAME_BUDGET)
        agenda = await self.homes.agenda(user_id, reader.tz, pages)
        reference = await self.references.find(user_id)
        content = home_card(
            agenda,
            reader,
            may_schedule=self.settings.is_coordinator(user_id),
            teams_user_id=reference.user_id if reference is not None else "",
            welcome=welcome,
            problem=problem,
        )
        ids = mentioned(json.dumps(content, ensure_ascii=False))
        if ids:
            people = await self.directory.people(ids, within=NAME_BUDGET)
            content = fill_mentions(content, {i: p.name for i, p in people.items() if p.known})
        problems = card_problems(content)
        if problems:  # a bug of HireBot's: say so rather than send what Teams would refuse
            raise ValueError("home card: " + "; ".join(problems)[:300])
        return content

    async def send(self, user_id: str, *, welcome: bool = False) -> Delivery:
        """A new home card in the person's chat; the previous one points to it."""
        content = await self.card(user_id, welcome=welcome)
        service_url, conversation_id = await self.platform.conversation(user_id)
        activity_id = await self.platform.connector.send(
            service_url, conversation_id, message(content, SUMMARY)
        )
        previous = await self._swap(user_id, conversation_id, activity_id)
        if previous is not None and previous != (conversation_id, activity_id):
            try:
                await self.platform.connector.update(
                    service_url, previous[0], previous[1], message(retired_card(), SUMMARY)
                )
            except DeliveryError as exc:  # it stays as it was: its refresh still shows the home
                log.info("could not retire an old home card of %s: %s", user_id, exc)
        return Delivery(channel=user_id, message_id=activity_id)

    async def refresh(self, user_id: str) -> None:
        """Update the stored home card in place, if there is one."""
        async with self.db.session() as session:
            stored = await session.get(TeamsHomeCard, user_id)
            where = (stored.conversation_id, stored.activity_id) if stored else None
        if where is None:
            return
        content = await self.card(user_id)
        service_url, _conversation = await self.platform.conversation(user_id)
        try:
            await self.platform.connector.update(
                service_url, where[0], where[1], message(content, SUMMARY)
            )
        except RecipientGone as gone:  # the card (or the chat) is gone: forget it, send nothing
            log.info("forgot the home card of %s: %s", user_id, gone)
            await self._forget(user_id, where)

    # ------------------------------------------------------------------ storage
    async def _swap(
        self, user_id: str, conversation_id: str, activity_id: str
    ) -> tuple[str, str] | None:
        """Store the new card (one statement, safe when two sends race); return the card it
        replaces."""
        async with self.db.session() as session:
            stored = await session.get(TeamsHomeCard, user_id)
            previous = (stored.conversation_id, stored.activity_id) if stored else None
            statement = _insert(self.db.dialect)(TeamsHomeCard).values(
                aad_object_id=user_id,
                conversation_id=conversation_id,
                activity_id=activity_id,
                updated_at=self.clock.now(),
            )
            await session.execute(
                statement.on_conflict_do_update(
                    index_elements=["aad_object_id"],
                    set_={
                        "conversation_id": statement.excluded.conversation_id,
                        "activity_id": statement.excluded.activity_id,
                        "updated_at": statement.excluded.updated_at,
                    },
                )
            )
        return previous

    async def _forget(self, user_id: str, where: tuple[str, str]) -> None:
        async with self.db.session() as session:
            stored = await session.get(TeamsHomeCard, user_id)
            if stored is not None and (stored.conversation_id, stored.activity_id) == where:
                await session.delete(stored)


def pages_of(data: dict[str, Any]) -> HomePages:
    """The page a home button or refresh asks for (lenient: user-facing input)."""
    return HomePages.decode(str(data.get("pages") or data.get("home") or ""))
