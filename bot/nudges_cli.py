"""``hirebot nudges list`` and ``hirebot nudges run``: the outbox from the command line.

``run`` is the cron-driven deployment's dispatcher (and the way to simulate time: ``--as-of``
moves the whole run, rendering included, to that instant). Leases stay wall-clock, so a cron
run may safely overlap a running ``serve`` or another cron run.
"""

from __future__ import annotations

from datetime import UTC, datetime

from bot.clock import Clock, FixedClock, SystemClock
from bot.config import Settings
from bot.db import Database
from bot.models import NudgeStatus
from scheduling import outbox

LIST_LIMIT = 500


class UsageError(ValueError):
    """A malformed argument; ``str()`` is the one line shown."""


def parse_as_of(text: str | None) -> datetime | None:
    """An ISO 8601 instant (``2026-11-26T09:00:00Z``, ``…+01:00``); without an offset, UTC."""
    if text is None:
        return None
    try:
        moment = datetime.fromisoformat(text.strip())
    except ValueError:
        raise UsageError(
            f"--as-of {text!r} is not an ISO 8601 instant (for example 2026-11-26T09:00:00Z)"
        ) from None
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)


def clock_for(settings: Settings, as_of: datetime | None) -> Clock:
    return FixedClock(as_of) if as_of else SystemClock(settings.clock_offset)


def relative(due: datetime, now: datetime) -> str:
    """``in 1d 4h``, ``5m ago``, ``now``: how far a due time is from ``now``."""
    seconds = int((due - now).total_seconds())
    if abs(seconds) < 60:
        return "now"
    left = abs(seconds)
    days, left = divmod(left, 86_400)
    hours, left = divmod(left, 3_600)
    minutes = left // 60
    parts = [f"{days}d" if days else "", f"{hours}h" if hours else "", f"{minutes}m"]
    text = " ".join(p for p in parts if p and p != "0m") or "0m"
    return f"in {text}" if seconds > 0 else f"{text} ago"


async def list_nudges(settings: Settings, as_of: datetime | None) -> int:
    now = clock_for(settings, as_of).now()
    db = Database(settings.database_url)
    try:
        rows = await outbox.pending(db, limit=LIST_LIMIT)
    finally:
        await db.dispose()
    if not rows:
        print("no pending nudges")
        return 0
    print(f"{len(rows)} pending nudge(s) as of {now:%Y-%m-%d %H:%M} UTC")  # soonest first
    print(f"{'PANEL':<8} {'KIND':<18} {'RECIPIENT':<12} {'DUE (UTC)':<16} WHEN")
    for n in rows:
        note = f"  (claimed by {n.claimed_by})" if n.status == NudgeStatus.CLAIMED else ""
        if n.attempts:
            note += f"  (attempt {n.attempts + 1} next)"
        print(
            f"P-{n.panel_id:<6} {n.kind:<18} {n.recipient_id:<12} {n.due_at:%Y-%m-%d %H:%M}"
            f" {relative(n.due_at, now)}{note}"
        )
    if len(rows) == LIST_LIMIT:
        print(f"(the first {LIST_LIMIT} only)")
    return 0


async def run_nudges(settings: Settings, as_of: datetime | None) -> int:
    from bot.services import build_services  # the platform adapter only for the command that sends

    clock = clock_for(settings, as_of)
    db = Database(settings.database_url)
    try:
        services = build_services(settings, clock, db)
        try:
            report = await services.dispatcher.run_once(clock.now())
        finally:
            await services.slack.close()
    finally:
        await db.dispose()
    print(report)
    return 0
