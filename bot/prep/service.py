"""Prep actions: confirm, decline, replace a panelist, remind the unprepared now; readiness.

Each action changes the panel and, in the same transaction, re-plans its nudges and queues what
it owes people (packet updates in place, the coordinator's alert, a replacement's packet), so a
change and its messages commit or roll back together.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from bot.clock import Clock
from bot.config import Settings
from bot.db import Database
from bot.models import AuditEvent, Panel, Panelist
from bot.panels.service import PanelClosed, lock_for_owner
from bot.people import Directory, unusable
from bot.prep import queue
from bot.prep.notices import PacketState, PanelReadiness, SeatReadiness
from scheduling import outbox
from scheduling.guards import unprepared
from scheduling.policy import NudgeKind, PlannedNudge, event_key
from scheduling.replan import replan, schedule_version, snapshot

#: How long a submission waits for Slack's profiles before going on without them (seconds).
LOOKUP_BUDGET = 1.5


class NotYourPacket(PermissionError):
    """The person clicking is not the panelist this packet was sent to."""


class ReplacementProblem(ValueError):
    """The chosen replacement cannot take the seat (a field error in the modal)."""


@dataclass(frozen=True)
class Reminded:
    panel: Panel
    user_ids: tuple[str, ...]  # who is (or already was) being reminded


def readiness(panel: Panel) -> PanelReadiness:
    """Where each panelist stands: confirmed, not yet, or declined; questions planned."""
    return PanelReadiness(
        tuple(
            SeatReadiness(
                user_id=p.user_id,
                state=(
                    PacketState.DECLINED
                    if p.declined_at is not None
                    else PacketState.CONFIRMED
                    if p.confirmed_at is not None
                    else PacketState.OPEN
                ),
                decline_reason=p.decline_reason or "",
                planned_questions=len(p.planned_questions or []),
                packet_sent=bool(p.packet_ts),
            )
            for p in panel.panelists
        )
    )


class PrepService:
    def __init__(self, db: Database, clock: Clock, settings: Settings, directory: Directory):
        self.db = db
        self.clock = clock
        self.settings = settings
        self.directory = directory

    # ------------------------------------------------------------------ the panelist
    async def confirm(self, user_id: str, panel_id: int, message_ts: str | None = None) -> Panel:
        """ "I've reviewed the materials": readiness recorded, their reminder cancelled, the
        packet updated in place. Confirming twice changes nothing."""

        def act(seat: Panelist) -> bool:
            if seat.declined_at is not None:
                raise PanelClosed(
                    "You've said you can't attend: ask the coordinator to add you back."
                )
            if seat.confirmed_at is not None:
                return False
            seat.confirmed_at = self.clock.now()
            return True

        return await self._as_panelist(user_id, panel_id, message_ts, "prep_confirmed", act, {})

    async def decline(
        self, user_id: str, panel_id: int, reason: str, message_ts: str | None = None
    ) -> Panel:
        """ "I can't attend": the coordinator is alerted at once with a way to replace them."""

        def act(seat: Panelist) -> bool:
            if seat.declined_at is not None:
                return False
            seat.declined_at = self.clock.now()
            seat.decline_reason = reason
            return True

        detail = {"reason": reason}
        return await self._as_panelist(user_id, panel_id, message_ts, "prep_declined", act, detail)

    async def check_panelist(
        self, user_id: str, panel_id: int, message_ts: str | None = None
    ) -> Panel:
        """The panel, if ``user_id`` is the panelist this packet went to (else NotYourPacket)."""
        async with self.db.session() as session:
            panel = await session.get(Panel, panel_id)
            if panel is None:
                raise NotYourPacket()
            self._seat_of(panel, user_id, message_ts)
            return panel

    def _seat_of(self, panel: Panel, user_id: str, message_ts: str | None) -> Panelist:
        seat = next((p for p in panel.panelists if p.user_id == user_id), None)
        if seat is None:
            raise NotYourPacket()
        if message_ts and seat.packet_ts and seat.packet_ts != message_ts:
            raise NotYourPacket()
        return seat

    async def _as_panelist(
        self,
        user_id: str,
        panel_id: int,
        message_ts: str | None,
        action: str,
        act: Callable[[Panelist], bool],
        detail: dict[str, Any],
    ) -> Panel:
        """Apply ``act`` to the clicker's own seat; if it changed anything, audit it, re-plan
        the panel's nudges and queue the packet's update (and a decline's alert)."""
        tz_of = await self._zones(panel_id)
        now = self.clock.now()
        async with self.db.session() as session:
            panel = await session.get(Panel, panel_id, with_for_update=True)
            if panel is None:
                raise NotYourPacket()
            seat = self._seat_of(panel, user_id, message_ts)
            if panel.is_cancelled:
                raise PanelClosed(f"{panel.reference} was cancelled: nothing to do.")
            if not act(seat):
                return panel
            event = await self._audit(session, panel, user_id, action, detail)
            await self._replan(session, panel, tz_of, now)
            await queue.updates(session, panel, str(event.id), [user_id], now=now, tz_of=tz_of)
            if action == "prep_declined":
                await self._alert_coordinator(session, panel, seat, event, tz_of, now)
        return panel

    async def _alert_coordinator(
        self,
        session: AsyncSession,
        panel: Panel,
        seat: Panelist,
        event: AuditEvent,
        tz_of: Mapping[str, str],
        now: datetime,
    ) -> None:
        kind = NudgeKind.PANELIST_DECLINED
        alert = PlannedNudge(
            kind=kind,
            panel_id=panel.id,
            subject_id=seat.user_id,
            recipient_id=panel.coordinator_id,
            due_at=now,
            urgent=True,
            dedupe_key=event_key(kind, panel.id, str(event.id), panel.coordinator_id),
        )
        payload = {
            "tz": tz_of.get(panel.coordinator_id) or "UTC",
            "reason": seat.decline_reason,
            "focus_area": seat.focus_area,
            "focus_detail": seat.focus_detail,
            "perspective": seat.perspective,
        }
        await outbox.enqueue(session, [alert], now=now, payload=lambda _n: payload)

    # ------------------------------------------------------------------ the owners
    async def replace(self, actor_id: str, panel_id: int, old_id: str, new_id: str) -> Panel:
        """The replacement takes the same seat (focus area, perspective, position) and gets a
        packet and an invite; the replaced panelist's packet says they are no longer needed;
        everyone else's packet shows the new roster. Nudges are re-planned."""
        person = (await self.directory.people([new_id], within=LOOKUP_BUDGET))[new_id]
        if unusable(person):  # the same rule as scheduling
            raise ReplacementProblem(unusable(person) or "")
        tz_of = {**await self._zones(panel_id), new_id: person.tz}
        now = self.clock.now()
        async with self.db.session() as session:
            panel = await lock_for_owner(session, actor_id, panel_id, to="do that")
            old = next((p for p in panel.panelists if p.user_id == old_id), None)
            if old is None:
                raise PanelClosed("They were already replaced.")
            if new_id == old_id or any(p.user_id == new_id for p in panel.panelists):
                raise ReplacementProblem("They're already on this panel: pick someone else.")
            withdrawn = (
                {old_id: {"channel": old.packet_channel, "ts": old.packet_ts}}
                if old.packet_ts
                else {}
            )
            position = old.position
            seat = Panelist(
                user_id=new_id,
                position=position,
                focus_area=old.focus_area,
                focus_detail=old.focus_detail,
                perspective=old.perspective,
            )
            panel.panelists.remove(old)
            await session.flush()  # the old seat goes before the new one takes its place
            panel.panelists.insert(position, seat)
            panel.updated_at = now
            event = await self._audit(
                session, panel, actor_id, "panelist_replaced", {"from": old_id, "to": new_id}
            )
            version = await self._replan(session, panel, tz_of, now)
            eid = str(event.id)
            await queue.packets(
                session, panel, eid, [new_id], sequence=version, now=now, tz_of=tz_of
            )
            others = [p.user_id for p in panel.panelists if p.user_id != new_id]
            await queue.updates(
                session,
                panel,
                eid,
                [*others, *withdrawn],
                now=now,
                tz_of=tz_of,
                per_user=withdrawn,
            )
        return panel

    async def remind_now(self, actor_id: str, panel_id: int, click_key: str) -> Reminded:
        """Remind every unprepared panelist at once, through the outbox. ``click_key`` names the
        message clicked, so a double click (or a retried request) reminds nobody twice."""
        tz_of = await self._zones(panel_id)
        now = self.clock.now()
        kind = NudgeKind.PREP_REMINDER_NOW
        async with self.db.session() as session:
            panel = await lock_for_owner(session, actor_id, panel_id, to="do that")
            if now >= panel.starts_at:
                raise PanelClosed(f"{panel.reference} has already started.")
            who = unprepared(panel)
            nudges = [
                PlannedNudge(
                    kind=kind,
                    panel_id=panel.id,
                    subject_id=u,
                    recipient_id=u,
                    due_at=now,
                    urgent=True,
                    dedupe_key=event_key(kind, panel.id, f"m{click_key}", u),
                )
                for u in who
            ]
            await outbox.enqueue(
                session,
                nudges,
                now=now,
                payload=lambda n: {"tz": tz_of.get(n.recipient_id) or "UTC", "by": actor_id},
            )
        return Reminded(panel, who)

    # ------------------------------------------------------------------ helpers
    async def _zones(self, panel_id: int) -> Mapping[str, str]:
        async with self.db.session() as session:
            panel = await session.get(Panel, panel_id)
            users: Sequence[str] = (
                [panel.coordinator_id, *(p.user_id for p in panel.panelists)] if panel else []
            )
        people = await self.directory.people(list(dict.fromkeys(users)), within=LOOKUP_BUDGET)
        return {u: p.tz for u, p in people.items() if p.known}

    async def _replan(
        self, session: AsyncSession, panel: Panel, tz_of: Mapping[str, str], now: datetime
    ) -> int:
        await session.flush()
        version = await schedule_version(session, panel.id)
        await replan(session, snapshot(panel, version), self.settings, tz_of, now)
        return version

    async def _audit(
        self, session: AsyncSession, panel: Panel, actor_id: str, action: str, detail: dict
    ) -> AuditEvent:
        event = AuditEvent(
            panel_id=panel.id, actor_id=actor_id, action=action, detail=detail, at=self.clock.now()
        )
        session.add(event)
        await session.flush()
        return event
