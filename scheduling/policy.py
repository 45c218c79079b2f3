"""Policy: which nudges a panel needs, and when, read from each kind's record.

The outbox stores what this module plans; whenever a panel changes, the caller re-plans and
applies :func:`diff` to the panel's pending nudges, so nudges that no longer apply are cancelled
and new ones added. Nothing is sent twice because every nudge carries a dedupe key that names
its situation (kind, panel, schedule, person), never the moment it was planned
(:mod:`scheduling.nudges`). Adding a kind is one record in :mod:`scheduling.kinds`.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Mapping, Sequence
from datetime import datetime

from bot.config import Settings
from scheduling.business_time import require_aware
from scheduling.kinds import KINDS, TIME_BASED
from scheduling.nudges import (
    NudgeKind,
    PanelSnapshot,
    PlanContext,
    PlannedNudge,
    event_nudge,
    kind_of_key,
)
from scheduling.planners import Planner


def plan(
    panel: PanelSnapshot, settings: Settings, tz_of: Mapping[str, str], now: datetime
) -> list[PlannedNudge]:
    """The time-based nudges ``panel`` needs as of ``now``, each at most once.

    ``tz_of`` maps a Slack user ID to an IANA zone (missing: UTC). Nudges already overdue for a
    panel that has not started are planned for ``now``. A cancelled panel needs none.
    """
    ctx = PlanContext(panel=panel, settings=settings, tz_of=tz_of, now=require_aware(now))
    nudges = (n for kind in TIME_BASED for n in _planner(kind)(ctx))
    return _unique(nudges)


def event_nudges(
    kind: NudgeKind, panel: PanelSnapshot, *, now: datetime, event_id: str
) -> list[PlannedNudge]:
    """One-off notices of an event (``event_id``, e.g. the audit event's id): urgent, due now.

    Re-planning never cancels these; the dedupe key includes ``event_id`` so a retried request
    for the same event adds nothing, while a second reschedule (a new event) notifies again.
    """
    recipients = KINDS[kind].recipients
    if recipients is None:
        raise ValueError(f"{kind} is not an event notice")
    due = require_aware(now)
    return _unique(
        event_nudge(kind, panel.panel_id, event_id, user_id, due) for user_id in recipients(panel)
    )


# --- reconciling with the outbox --------------------------------------------------------


def diff(
    planned: Sequence[PlannedNudge], pending_keys: Collection[str]
) -> tuple[list[PlannedNudge], list[str]]:
    """(to add, keys to cancel) to bring one panel's pending nudges in line with ``planned``.

    ``pending_keys`` must be the pending keys of this one panel only (a cancelled panel plans
    nothing, so every pending time-based key passed in is cancelled). Only time-based kinds are
    cancelled: event notices stand whatever happens next. To-add nudges keep their planned order;
    a key the outbox already holds as sent must stay sent (its unique key keeps it from going
    twice), while one it holds as cancelled (a panelist who declined, then rejoined) is revived.
    """
    pending = set(pending_keys)
    wanted = {n.dedupe_key for n in planned}
    to_add = [n for n in _unique(planned) if n.dedupe_key not in pending]
    to_cancel = sorted(k for k in pending if k not in wanted and kind_of_key(k) in TIME_BASED)
    return to_add, to_cancel


def _unique(nudges: Iterable[PlannedNudge]) -> list[PlannedNudge]:
    """Nudges in order, the first of each dedupe key only."""
    seen: set[str] = set()
    out: list[PlannedNudge] = []
    for nudge in nudges:
        if nudge.dedupe_key not in seen:
            seen.add(nudge.dedupe_key)
            out.append(nudge)
    return out


def _planner(kind: NudgeKind) -> Planner:
    planner = KINDS[kind].planner
    assert planner is not None  # TIME_BASED holds the kinds that have one
    return planner
