"""The outbox of nudges: add, cancel, claim and settle rows, on SQLite and PostgreSQL.

Every state change a sender makes after claiming is conditional on still holding the claim
(``claimed_by = me``), so a sender whose lease lapsed and was taken over can never overwrite the
newer sender's outcome. Leases are wall-clock instants (``HIREBOT_DISPATCH_LEASE``): they are
about processes crashing in real time, not about the simulated time nudges are due in.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import lru_cache
from typing import Any

from sqlalchemy import (
    BindParameter,
    ColumnElement,
    Table,
    Update,
    and_,
    bindparam,
    case,
    func,
    literal,
    or_,
    select,
    update,
)
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncSession

from bot.db import Database
from bot.models import Nudge, NudgeStatus
from scheduling.nudges import PlannedNudge

#: Rows per INSERT statement: well inside SQLite's 32,766 bound parameters.
INSERT_CHUNK = 500

OPEN = (NudgeStatus.PENDING, NudgeStatus.CLAIMED)

Payload = Callable[[PlannedNudge], Mapping[str, Any]]


def _dialect(session: AsyncSession) -> str:
    return session.get_bind().dialect.name


async def enqueue(
    session: AsyncSession,
    nudges: Iterable[PlannedNudge],
    *,
    now: datetime,
    payload: Payload | None = None,
) -> None:
    """Insert planned nudges, idempotently: an existing dedupe key wins (``ON CONFLICT``).

    A key held as *cancelled* is revived with its new due time (a panelist who left and
    rejoined); a key held in any other state stays as it is, so nothing is ever sent twice.
    """
    rows = [
        _row(
            kind=str(n.kind),
            panel_id=n.panel_id,
            subject_id=n.subject_id,
            recipient_id=n.recipient_id,
            due_at=n.due_at,
            urgent=n.urgent,
            dedupe_key=n.dedupe_key,
            payload=payload(n) if payload else {},
            now=now,
        )
        for n in nudges
    ]
    await _insert(session, rows)


def _row(*, payload: Mapping[str, Any], now: datetime, **columns: Any) -> dict[str, Any]:
    return {
        **columns,
        "status": NudgeStatus.PENDING,
        "attempts": 0,
        "payload": dict(payload),
        "created_at": now,
        "updated_at": now,
    }


async def _insert(session: AsyncSession, rows: Sequence[dict[str, Any]]) -> None:
    # One statement may not touch a key twice (PostgreSQL refuses): the first of each wins.
    rows = list({row["dedupe_key"]: row for row in reversed(rows)}.values())[::-1]
    insert = postgresql.insert if _dialect(session) == "postgresql" else sqlite.insert
    for start in range(0, len(rows), INSERT_CHUNK):
        stmt = insert(Nudge).values(list(rows[start : start + INSERT_CHUNK]))
        revived = {
            name: stmt.excluded[name]
            for name in ("due_at", "urgent", "payload", "updated_at", "subject_id")
        }
        stmt = stmt.on_conflict_do_update(
            index_elements=[Nudge.dedupe_key],
            set_={
                **revived,
                "status": NudgeStatus.PENDING,
                "attempts": 0,
                "claimed_by": None,
                "lease_until": None,
                "last_error": None,
            },
            where=Nudge.status == NudgeStatus.CANCELLED,
        )
        await session.execute(stmt)


async def open_keys(session: AsyncSession, panel_id: int) -> set[str]:
    """Dedupe keys of a panel's nudges not yet settled (pending, or claimed by a sender)."""
    rows = await session.scalars(
        select(Nudge.dedupe_key).where(Nudge.panel_id == panel_id, Nudge.status.in_(OPEN))
    )
    return set(rows)


async def retime(session: AsyncSession, nudges: Sequence[PlannedNudge], *, now: datetime) -> None:
    """Give pending nudges the due time and urgency re-planning now gives them (only pending
    ones: a claimed nudge is being sent as it is)."""
    for nudge in nudges:
        await session.execute(
            update(Nudge)
            .where(
                Nudge.dedupe_key == nudge.dedupe_key,
                Nudge.status == NudgeStatus.PENDING,
                (Nudge.due_at != nudge.due_at) | (Nudge.urgent != nudge.urgent),
            )
            .values(due_at=nudge.due_at, urgent=nudge.urgent, updated_at=now)
        )


async def cancel(session: AsyncSession, keys: Collection[str], *, now: datetime) -> None:
    """Cancel nudges that no longer apply, claimed ones too: their sender re-reads the status
    just before sending and drops them."""
    if not keys:
        return
    await session.execute(
        update(Nudge)
        .where(Nudge.dedupe_key.in_(list(keys)), Nudge.status.in_(OPEN))
        .values(status=NudgeStatus.CANCELLED, last_error="no longer applies", updated_at=now)
    )


async def supersede(
    session: AsyncSession, panel_id: int, kind: str, recipient_id: str, *, now: datetime
) -> bool:
    """Cancel this person's pending ``kind`` nudges on the panel: a newer one replaces them
    (one invite, one packet update, however many changes come before the first is sent).
    Returns whether one of that kind was already sent to them, or is being sent."""
    mine = (Nudge.panel_id == panel_id, Nudge.kind == kind, Nudge.recipient_id == recipient_id)
    await session.execute(
        update(Nudge)
        .where(*mine, Nudge.status == NudgeStatus.PENDING)
        .values(status=NudgeStatus.CANCELLED, last_error="superseded", updated_at=now)
    )
    delivered = await session.scalar(
        select(func.count())
        .select_from(Nudge)
        .where(*mine, Nudge.status.in_((NudgeStatus.SENT, NudgeStatus.CLAIMED)))
    )
    return bool(delivered)


# --------------------------------------------------------------------------- claiming


def claimable(as_of: datetime, wall_now: datetime) -> ColumnElement[bool]:
    """Due and pending as of ``as_of``, or claimed by a sender whose lease has lapsed."""
    return or_(
        and_(Nudge.status == NudgeStatus.PENDING, Nudge.due_at <= as_of),
        and_(Nudge.status == NudgeStatus.CLAIMED, Nudge.lease_until < wall_now),
    )


async def claim(
    db: Database,
    *,
    worker: str,
    as_of: datetime,
    wall_now: datetime,
    lease: timedelta,
    limit: int,
    panel_id: int | None = None,
) -> list[Nudge]:
    """Reserve every claimable nudge of up to ``limit`` recipients (those whose earliest
    claimable nudge is due first) for ``worker``.

    A person's due nudges are claimed together, so they go out as one digest whichever replica
    claims them. ``panel_id`` picks the recipients among that panel's claimable nudges (to
    deliver a change's notices at once), and still claims all of theirs.

    PostgreSQL: each recipient is taken under a transaction-scoped advisory lock
    (``pg_try_advisory_xact_lock``), so two replicas never split one person's nudges, and rows
    are selected ``FOR UPDATE SKIP LOCKED`` so a sender never waits on a re-planning change.
    SQLite has a single writer: ``BEGIN IMMEDIATE`` takes the write lock up front (a deferred
    transaction could read a snapshot another writer then invalidates). A row reclaimed from a
    sender whose lease lapsed keeps that lease in ``lapsed_lease_until``, so its new sender
    first looks for the message the old one may have delivered before it died.
    """
    values = {
        "status": NudgeStatus.CLAIMED,
        "claimed_by": worker,
        "lease_until": wall_now + lease,
        "updated_at": as_of,
        "lapsed_lease_until": case(
            (Nudge.status == NudgeStatus.CLAIMED, Nudge.lease_until),
            else_=Nudge.lapsed_lease_until,
        ),
    }
    due = claimable(as_of, wall_now)
    first_due = (
        select(Nudge.recipient_id, func.min(Nudge.due_at).label("first"))
        .where(due)
        .group_by(Nudge.recipient_id)
        .order_by(func.min(Nudge.due_at), Nudge.recipient_id)
    )
    if panel_id is not None:
        first_due = first_due.where(Nudge.panel_id == panel_id)
    async with db.session() as session:
        if db.dialect == "postgresql":
            candidates = first_due.limit(limit * 2).subquery()
            locked = select(candidates.c.recipient_id).where(
                func.pg_try_advisory_xact_lock(
                    func.hashtext(literal("hirebot-nudges:") + candidates.c.recipient_id)
                )
            )
            recipients = list(await session.scalars(locked.limit(limit)))
            if not recipients:
                return []
            ids = list(
                await session.scalars(
                    select(Nudge.id)
                    .where(due, Nudge.recipient_id.in_(recipients))
                    .with_for_update(skip_locked=True)
                )
            )
            if not ids:
                return []
            stmt = update(Nudge).where(Nudge.id.in_(ids))
        else:
            connection = await session.connection()
            await connection.exec_driver_sql("BEGIN IMMEDIATE")
            recipients_query = first_due.limit(limit).subquery()
            stmt = update(Nudge).where(
                due, Nudge.recipient_id.in_(select(recipients_query.c.recipient_id))
            )
        result = await session.scalars(
            stmt.values(**values)
            .returning(Nudge)
            .execution_options(synchronize_session=False, populate_existing=True)
        )
        rows = list(result)
    return sorted(rows, key=lambda n: (n.due_at, n.id))


#: The nudges table as Core: the hot per-send statements below skip the ORM's bulk-update
#: layer (they return ids, never objects).
NUDGES: Table = Nudge.__table__  # type: ignore[assignment]  # declared as FromClause
_IDS: BindParameter[int] = bindparam("ids", expanding=True)
_WORKER = bindparam("worker", type_=NUDGES.c.claimed_by.type)

#: ``renew``: built once, bound per call (building an UPDATE and its cache key cost more than
#: running it).
_RENEW = (
    update(NUDGES)
    .where(
        NUDGES.c.id.in_(_IDS),
        NUDGES.c.claimed_by == _WORKER,
        NUDGES.c.status == NudgeStatus.CLAIMED,
    )
    .values(lease_until=bindparam("new_lease", type_=NUDGES.c.lease_until.type))
    .returning(NUDGES.c.id)
)


async def renew(
    session: AsyncSession, ids: Sequence[int], *, worker: str, lease_until: datetime
) -> list[int]:
    """Extend the lease on those of ``ids`` this worker still holds (not cancelled, not taken
    over); returns them. Done right before a send, so no send starts on a lapsed lease."""
    result = await session.scalars(
        _RENEW, {"ids": list(ids), "worker": worker, "new_lease": lease_until}
    )
    return list(result)


# --------------------------------------------------------------------------- settling


@dataclass(frozen=True)
class Outcome:
    """What became of some claimed nudges; applied only while ``worker`` still holds them."""

    status: NudgeStatus
    reason: str | None = None
    due_at: datetime | None = None  # for a retry: when to try again
    count_attempt: bool = False
    channel: str | None = None
    message_ts: str | None = None


async def settle(
    session: AsyncSession,
    ids: Sequence[int],
    outcome: Outcome,
    *,
    worker: str,
    now: datetime,
) -> list[int]:
    """Apply ``outcome`` to those of ``ids`` this worker still holds; returns their ids.

    A *sent* outcome also lands on rows cancelled while the message was in flight: the record
    then says what really happened. Rows another sender took over are left alone.
    """
    if not ids:
        return []
    statement = _settle_statement(outcome.status, outcome.due_at is not None, outcome.count_attempt)
    params: dict[str, Any] = {"ids": list(ids), "worker": worker, "now": now}
    if outcome.status == NudgeStatus.SENT:
        params.update(channel=outcome.channel, message_ts=outcome.message_ts)
    else:
        params["reason"] = outcome.reason
    if outcome.due_at is not None:
        params["due"] = outcome.due_at
    return list(await session.scalars(statement, params))


@lru_cache(maxsize=16)
def _settle_statement(status: NudgeStatus, retime: bool, count_attempt: bool) -> Update:
    """``settle``'s UPDATE for one shape of outcome, built once; values are bound per call."""
    c = NUDGES.c
    held = [NudgeStatus.CLAIMED]
    now = bindparam("now", type_=c.updated_at.type)
    values: dict[str, Any] = {"status": status, "updated_at": now}
    if status == NudgeStatus.SENT:
        held.append(NudgeStatus.CANCELLED)
        values.update(
            sent_at=now,
            channel=bindparam("channel", type_=c.channel.type),
            message_ts=bindparam("message_ts", type_=c.message_ts.type),
        )
    else:
        values["last_error"] = bindparam("reason", type_=c.last_error.type)
    if status == NudgeStatus.PENDING:
        values.update(claimed_by=None, lease_until=None)
        if retime:
            values["due_at"] = bindparam("due", type_=c.due_at.type)
    if count_attempt:
        values["attempts"] = c.attempts + 1
    return (
        update(NUDGES)
        .where(c.id.in_(_IDS), c.claimed_by == _WORKER, c.status.in_(held))
        .values(**values)
        .returning(c.id)
    )


@dataclass(frozen=True)
class Sent:
    """Nudges that went out as one message: where it landed."""

    ids: Sequence[int]
    channel: str | None
    message_ts: str | None


async def settle_sent(
    session: AsyncSession, sends: Sequence[Sent], *, worker: str, now: datetime
) -> list[int]:
    """Record several messages' nudges as sent (those this worker still holds), each with its
    own channel and timestamp, in one statement: ``settle`` with a *sent* outcome, for many
    messages at once (the dispatcher records the sends that finished together this way)."""
    by_id = {i: send for send in sends for i in send.ids}
    if not by_id:
        return []
    statement = _settle_sent_statement(len(by_id))
    params: dict[str, Any] = {"ids": list(by_id), "worker": worker, "now": now}
    for n, (nudge_id, send) in enumerate(by_id.items()):
        params[f"i{n}"] = nudge_id
        params[f"c{n}"] = send.channel
        params[f"t{n}"] = send.message_ts
    return list(await session.scalars(statement, params))


@lru_cache(maxsize=64)
def _settle_sent_statement(count: int) -> Update:
    """``settle_sent``'s UPDATE for ``count`` nudges: each row's channel and timestamp picked
    by id (``CASE``, which both databases run), built once per count."""
    c = NUDGES.c
    now = bindparam("now", type_=c.updated_at.type)
    ids = [bindparam(f"i{n}", type_=c.id.type) for n in range(count)]

    def each(column: Any, prefix: str) -> Any:
        return case(
            *((c.id == ids[n], bindparam(f"{prefix}{n}", type_=column.type)) for n in range(count)),
            else_=column,
        )

    return (
        update(NUDGES)
        .where(
            c.id.in_(_IDS),
            c.claimed_by == _WORKER,
            c.status.in_([NudgeStatus.CLAIMED, NudgeStatus.CANCELLED]),
        )
        .values(
            status=NudgeStatus.SENT,
            updated_at=now,
            sent_at=now,
            channel=each(c.channel, "c"),
            message_ts=each(c.message_ts, "t"),
        )
        .returning(c.id)
    )


async def pending(db: Database, *, limit: int = 500) -> list[Nudge]:
    """Nudges still to go (pending or claimed), soonest first: for ``hirebot nudges list``."""
    async with db.session() as session:
        rows = await session.scalars(
            select(Nudge)
            .where(Nudge.status.in_(OPEN))
            .order_by(Nudge.due_at, Nudge.id)
            .limit(limit)
        )
        return list(rows)
