"""Loading one person's App Home from the database in a fixed number of queries.

Five statements whatever the number of panels: the person's active panels (with candidate and
role joined), their panelists, then :func:`bot.followup.loading.load_progress`'s three batched
reads (feedback times, latest decisions, latest candidate updates). "Active" leaves out what
can no longer need anyone: cancelled panels and closed loops (a final decision followed by a
candidate update), so a long history does not slow the home down.
"""

from __future__ import annotations

from sqlalchemy import Select, and_, exists, select, union
from sqlalchemy.orm import aliased

from bot.clock import Clock
from bot.config import Settings
from bot.db import Database
from bot.followup.loading import load_progress
from bot.followup.progress import FINAL_OUTCOMES
from bot.home.agenda import FIRST_PAGES, Agenda, HomePages
from bot.home.build import build_agenda
from bot.models import CandidateUpdate, Decision, Panel, Panelist, PanelStatus


def _active_panels_of(user_id: str) -> Select[Panel]:
    """Panels ``user_id`` sits on or runs, not cancelled and not closed."""
    mine = union(
        select(Panel.id).where(Panel.coordinator_id == user_id),
        select(Panel.id).where(Panel.hiring_manager_id == user_id),
        select(Panel.id).where(Panel.recruiter_id == user_id),
        select(Panelist.panel_id).where(Panelist.user_id == user_id),
    ).subquery()
    later = aliased(Decision)
    closed = exists().where(
        Decision.panel_id == Panel.id,
        Decision.outcome.in_(sorted(FINAL_OUTCOMES)),
        ~exists().where(and_(later.panel_id == Panel.id, later.id > Decision.id)),
        exists().where(
            CandidateUpdate.panel_id == Panel.id, CandidateUpdate.at >= Decision.decided_at
        ),
    )
    return (
        select(Panel)
        .where(
            Panel.id.in_(select(mine.c[0])),
            Panel.status != PanelStatus.CANCELLED,
            ~closed,
        )
        .order_by(Panel.starts_at, Panel.id)
    )


class HomeService:
    """Builds :class:`Agenda`\\ s; callers render and publish them."""

    def __init__(self, db: Database, clock: Clock, settings: Settings) -> None:
        self.db = db
        self.clock = clock
        self.settings = settings

    async def agenda(self, user_id: str, tz: str, pages: HomePages = FIRST_PAGES) -> Agenda:
        now = self.clock.now()
        async with self.db.session() as session:
            panels = list((await session.scalars(_active_panels_of(user_id))).unique())
            progress = await load_progress(session, panels)
        return build_agenda(user_id, panels, progress, now, self.settings, tz, pages)
