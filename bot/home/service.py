"""Building one person's App Home agenda: their panels' facts (``bot.home.facts``), judged as
of now (``bot.home.build``), cached until the next change or minute (``bot.changes.readcache``)."""

from __future__ import annotations

from bot.changes.readcache import ReadCache, cached
from bot.clock import Clock
from bot.config import Settings
from bot.db import Database
from bot.home.agenda import FIRST_PAGES, Agenda, HomePages
from bot.home.build import build_agenda
from bot.home.facts import FactsCache, active_panels


class HomeService:
    """Builds :class:`Agenda`\\ s; callers render and publish them.

    ``cache`` keeps whole agendas (until the next change or minute); ``facts`` keeps panels'
    facts by revision, so the first agenda after a change or in a new minute loads only the
    panels that changed. One of each per process, shared by every platform's home."""

    def __init__(
        self,
        db: Database,
        clock: Clock,
        settings: Settings,
        cache: ReadCache | None = None,
        facts: FactsCache | None = None,
    ) -> None:
        self.db = db
        self.clock = clock
        self.settings = settings
        self.cache = cache
        self.facts = facts

    async def agenda(self, user_id: str, tz: str, pages: HomePages = FIRST_PAGES) -> Agenda:
        """``user_id``'s agenda, cached until the next change or minute."""
        return await cached(
            self.cache, ("home", user_id, tz, pages), lambda: self._agenda(user_id, tz, pages)
        )

    async def _agenda(self, user_id: str, tz: str, pages: HomePages) -> Agenda:
        now = self.clock.now()
        async with self.db.session() as session:
            connection = await session.connection()
            panels, progress = await active_panels(connection, user_id, self.facts)
        return build_agenda(
            user_id,
            panels,  # type: ignore[arg-type]  # PanelFacts: the Panel attributes it reads
            progress,
            now,
            self.settings,
            tz,
            pages,
        )
