"""What ``/panel stalled`` and ``/panel history`` show, as plain data every platform renders:
the reading rules (who may see blockers' notes, decisions' reasons, candidate notes) are
applied here, once, not in each renderer.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime

from bot.changes.readcache import ReadCache, cached
from bot.clock import Clock
from bot.config import Settings
from bot.followup import visibility
from bot.followup.progress import Blocker, PanelProgress
from bot.followup.service import FollowupService
from bot.models import AuditEvent
from scheduling.business_time import days_elapsed


@dataclass(frozen=True)
class StalledCandidate:
    progress: PanelProgress
    blockers: tuple[Blocker, ...]  # as this reader may see them
    days_past: int  # (business) days past the update deadline, in the reader's zone


@dataclass(frozen=True)
class StalledCandidates:
    shown: tuple[StalledCandidate, ...]  # longest waiting first
    total: int  # how many are stalled, shown or not


#: What an audit entry's detail may say only to readers who may read assessments.
ASSESSMENTS = {"decided": ("reason",), "candidate_updated": ("note",)}


@dataclass(frozen=True)
class HistoryEntry:
    at: datetime
    actor_id: str
    action: str  # a ``bot.changes.actions.Action`` value (or an older one)
    detail: Mapping[str, object]  # without what this reader may not read


@dataclass(frozen=True)
class PanelHistory:
    reference: str
    candidate_name: str
    role_title: str
    entries: tuple[HistoryEntry, ...]  # oldest first


def entry(event: AuditEvent, assessments: bool) -> HistoryEntry:
    hidden = () if assessments else ASSESSMENTS.get(event.action, ())
    detail = {k: v for k, v in (event.detail or {}).items() if k not in hidden}
    return HistoryEntry(event.at, event.actor_id, event.action, detail)


class FollowupReports:
    def __init__(
        self,
        followup: FollowupService,
        clock: Clock,
        settings: Settings,
        cache: ReadCache | None = None,
    ) -> None:
        self.cache = cache
        self.followup = followup
        self.clock = clock
        self.settings = settings

    async def stalled(
        self, user_id: str, tz: str, *, limit: int | None = None
    ) -> StalledCandidates:
        """Candidates past an SLA on panels ``user_id`` may see; blockers and lateness worked
        out for the first ``limit`` only (what a message has room for). Cached until the next
        change or minute (``bot.changes.readcache``)."""
        return await cached(
            self.cache, ("stalled", user_id, tz, limit), lambda: self._stalled(user_id, tz, limit)
        )

    async def _stalled(self, user_id: str, tz: str, limit: int | None) -> StalledCandidates:
        now, s = self.clock.now(), self.settings
        waiting = await self.followup.stalled(user_id, tz)
        shown = tuple(
            StalledCandidate(
                p,
                tuple(
                    visibility.blockers_for(
                        p.blockers(now, s, tz), visibility.may_read_progress(p, user_id)
                    )
                ),
                days_elapsed(p.update_due_at(s, tz), now, tz, business=s.business_time),
            )
            for p in waiting[:limit]
        )
        return StalledCandidates(shown, len(waiting))

    async def history(self, user_id: str, panel_id: int) -> PanelHistory:
        """The audit trail; raises ``PanelNotFound`` for a panel ``user_id`` may not see."""
        return await cached(
            self.cache, ("history", user_id, panel_id), lambda: self._history(user_id, panel_id)
        )

    async def _history(self, user_id: str, panel_id: int) -> PanelHistory:
        panel, events = await self.followup.history(user_id, panel_id)
        reading = await self.followup.reading(user_id, panel)
        return PanelHistory(
            panel.reference,
            panel.candidate.name,
            panel.role.title,
            tuple(entry(e, reading.may_read_others) for e in events),
        )
