"""Prep actions: confirm, decline, replace a panelist, remind the unprepared now; readiness.

Each action checks who may act, changes the panel's rows and records the change through the one
change pipeline (``bot.changes``), which re-plans the panel's nudges and queues what the change
owes people (packet updates in place, the coordinator's alert, a replacement's packet) in the
same transaction.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from bot.changes.actions import Action
from bot.changes.pipeline import AlreadyApplied, Change, ChangePipeline
from bot.clock import Clock
from bot.config import Settings
from bot.db import Database
from bot.models import Panel, Panelist
from bot.panels.service import PanelClosed, PanelService, lock_for_owner
from bot.people import Directory, unusable
from bot.prep.notices import PacketState, PanelReadiness, SeatReadiness
from scheduling.guards import unprepared

#: How long a submission waits for Slack's profiles before going on without them (seconds).
LOOKUP_BUDGET = 1.5


class NotYourPacket(PermissionError):
    """The person clicking is not the panelist this packet was sent to."""


class ReplacementProblem(ValueError):
    """The chosen replacement cannot take the seat (a field error in the modal)."""


class NothingToReplace(ValueError):
    """The seat to fill is gone: the panel was cancelled, or someone replaced them already."""

    def __init__(self, reference: str, user_id: str, *, cancelled: bool) -> None:
        super().__init__(f"Nothing to replace on {reference}")
        self.reference = reference
        self.user_id = user_id
        self.cancelled = cancelled


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
    def __init__(
        self,
        db: Database,
        clock: Clock,
        settings: Settings,
        directory: Directory,
        pipeline: ChangePipeline,
        panels: PanelService,
    ) -> None:
        self.db = db
        self.clock = clock
        self.settings = settings
        self.directory = directory
        self.pipeline = pipeline
        self.panels = panels

    # ------------------------------------------------------------------ the panelist
    async def confirm(self, user_id: str, panel_id: int, message_ts: str | None = None) -> Panel:
        """ "I've reviewed the materials": readiness recorded, their reminder cancelled, the
        packet updated in place. Confirming twice changes nothing."""

        def act(seat: Panelist, now: datetime) -> bool:
            if seat.declined_at is not None:
                raise PanelClosed(
                    "You've said you can't attend: ask the coordinator to add you back."
                )
            if seat.confirmed_at is not None:
                return False
            seat.confirmed_at = now
            return True

        return await self._as_panelist(
            user_id, panel_id, message_ts, Action.PREP_CONFIRMED, act, {}
        )

    async def decline(
        self,
        user_id: str,
        panel_id: int,
        reason: str,
        message_ts: str | None = None,
        *,
        submission: str | None = None,
    ) -> Panel:
        """ "I can't attend": the coordinator is alerted at once with a way to replace them."""

        def act(seat: Panelist, now: datetime) -> bool:
            if seat.declined_at is not None:
                return False
            seat.declined_at = now
            seat.decline_reason = reason
            return True

        return await self._as_panelist(
            user_id,
            panel_id,
            message_ts,
            Action.PREP_DECLINED,
            act,
            {"reason": reason},
            submission=submission,
        )

    async def check_panelist(
        self, user_id: str, panel_id: int, message_ts: str | None = None
    ) -> Panel:
        """The panel, if ``user_id`` is the panelist this packet went to and may still act on
        it (else NotYourPacket, or PanelClosed once it is cancelled or has started)."""
        async with self.db.session() as session:
            panel = await session.get(Panel, panel_id)
            if panel is None:
                raise NotYourPacket()
            self._seat_of(panel, user_id, message_ts)
            refuse_prep_closed(panel, self.clock.now())
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
        action: Action,
        act: Callable[[Panelist, datetime], bool],
        detail: dict[str, Any],
        *,
        submission: str | None = None,
    ) -> Panel:
        """Apply ``act`` to the clicker's own seat; if it changed anything, record the change
        (the pipeline re-plans and queues the packet's update, and a decline's alert)."""
        async with self.pipeline.change(panel_id, submission=submission, action=action) as tx:
            panel = await tx.session.get(Panel, panel_id, with_for_update=True)
            if panel is None:
                raise NotYourPacket()
            seat = self._seat_of(panel, user_id, message_ts)
            refuse_prep_closed(panel, tx.now)
            if act(seat, tx.now):
                await tx.record(panel, Change(action, user_id, detail))
        return panel

    # ------------------------------------------------------------------ the owners
    async def seat_to_replace(
        self, actor_id: str, panel_id: int, old_id: str
    ) -> tuple[Panel, Panelist]:
        """The panel and the seat an owner is about to fill (to open the form). Raises the
        panel's refusals, or ``NothingToReplace`` when there is no such seat any more."""
        panel = await self.panels.manageable(actor_id, panel_id)
        seat = next((p for p in panel.panelists if p.user_id == old_id), None)
        if panel.is_cancelled or seat is None:
            raise NothingToReplace(panel.reference, old_id, cancelled=panel.is_cancelled)
        return panel, seat

    async def replace(
        self,
        actor_id: str,
        panel_id: int,
        old_id: str,
        new_id: str,
        *,
        submission: str | None = None,
    ) -> Panel:
        """The replacement takes the same seat (focus area, perspective, position) and gets a
        packet and an invite; the replaced panelist's packet says they are no longer needed;
        everyone else's packet shows the new roster. Nudges are re-planned.

        Refused once the panel has started: whoever sat on it is who owes feedback (an owner
        excuses someone who did not come)."""
        person = (await self.directory.people([new_id], within=LOOKUP_BUDGET))[new_id]
        if unusable(person):  # the same rule as scheduling
            raise ReplacementProblem(unusable(person) or "")
        async with self.pipeline.change(
            panel_id,
            people=[actor_id, new_id],
            submission=submission,
            action=Action.PANELIST_REPLACED,
        ) as tx:
            session = tx.session
            panel = await lock_for_owner(session, actor_id, panel_id, to="do that")
            if tx.now >= panel.starts_at:
                raise PanelClosed(
                    f"{panel.reference} has already started, so its panel can't change:"
                    " excuse whoever couldn't come from feedback instead."
                )
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
                joined_at=tx.now,
            )
            panel.panelists.remove(old)
            await session.flush()  # the old seat goes before the new one takes its place
            panel.panelists.insert(position, seat)
            panel.updated_at = tx.now
            change = Change(
                Action.PANELIST_REPLACED,
                actor_id,
                {"from": old_id, "to": new_id},
                {"to": new_id, "withdrawn": withdrawn},
            )
            await tx.record(panel, change)
        return panel

    async def remind_now(self, actor_id: str, panel_id: int, click_key: str) -> Reminded:
        """Remind every unprepared panelist at once, through the outbox. ``click_key`` names the
        message clicked, so a double click (or a retried request) reminds nobody twice."""
        try:
            async with self.pipeline.change(
                panel_id, submission=f"remind:{panel_id}:{click_key}", action=Action.REMINDED_NOW
            ) as tx:
                panel = await lock_for_owner(tx.session, actor_id, panel_id, to="do that")
                if tx.now >= panel.starts_at:
                    raise PanelClosed(f"{panel.reference} has already started.")
                who = unprepared(panel)
                if who:
                    change = Change(
                        Action.REMINDED_NOW, actor_id, {"who": list(who)}, {"who": list(who)}
                    )
                    await tx.record(panel, change)
        except AlreadyApplied:
            async with self.db.session() as session:
                panel = await lock_for_owner(session, actor_id, panel_id, to="do that")
                return Reminded(panel, unprepared(panel))
        return Reminded(panel, who)


def refuse_prep_closed(panel: Panel, now: datetime) -> None:
    """Prep is for before the panel: once it is cancelled or has started, confirming,
    declining and planning are refused (and the packet's buttons are gone)."""
    if panel.is_cancelled:
        raise PanelClosed(f"{panel.reference} was cancelled: nothing to do.")
    if now >= panel.starts_at:
        raise PanelClosed(
            f"{panel.reference} has already started, so its prep is closed."
            " Your feedback is asked for when it ends."
        )
