"""What each action owes people at once: the one-off notices a change queues in the outbox.

Time-based nudges (reminders, escalations, follow-up) are planned from the panel's state by
``scheduling.policy``; these are the notices of the event itself: the coordinator's
confirmation, packets and invites, packet updates in place, the news of a move or a
cancellation, a decline's alert. Each is an urgent outbox row whose dedupe key names the audit
event and the recipient, so a retried change cannot double it, and the dispatcher composes it
from the panel as it is when it goes.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.changes.actions import Action
from bot.models import Panel, PriorRound
from bot.panels.rounds import packet_rounds
from scheduling import outbox
from scheduling.nudges import NudgeKind, PanelSnapshot, PlannedNudge, event_nudge
from scheduling.policy import event_nudges
from scheduling.replan import zone_payload

if TYPE_CHECKING:  # the pipeline imports this module to announce its changes
    from bot.changes.pipeline import Change


@dataclass(frozen=True)
class Moment:
    """A change being recorded: what announcers may look at."""

    session: AsyncSession
    panel: Panel
    state: PanelSnapshot
    change: Change
    event_id: str
    now: datetime
    tz_of: Mapping[str, str]  # zones found for ``concerned`` (a slow lookup leaves one out)
    concerned: Sequence[str] = ()  # the panel's people before the change, and those named


def _notice(moment: Moment, kind: NudgeKind, user_id: str, subject: str | None) -> PlannedNudge:
    """The change's own notice of ``kind`` to ``user_id`` (the change is the event)."""
    return event_nudge(
        kind, moment.panel.id, moment.event_id, user_id, moment.now, subject_id=subject
    )


async def _queue(
    moment: Moment,
    kind: NudgeKind,
    user_ids: Iterable[str],
    *,
    extra: Mapping[str, Any] | None = None,
    per_user: Mapping[str, Mapping[str, Any]] | None = None,
    about_recipient: bool = True,
) -> None:
    """One ``kind`` notice per person (each once), carrying their zone and ``extra``."""
    nudges = [
        _notice(moment, kind, u, u if about_recipient else None) for u in dict.fromkeys(user_ids)
    ]

    def payload(nudge: PlannedNudge) -> dict[str, Any]:
        own = (per_user or {}).get(nudge.recipient_id, {})
        return zone_payload(moment.tz_of, {**(extra or {}), **own})(nudge)

    await outbox.enqueue(moment.session, nudges, now=moment.now, payload=payload)


async def _earlier(moment: Moment) -> dict[str, Any]:
    """Round-1 notes and the questions already asked, read now, for a packet's payload."""
    return await packet_rounds(moment.session, moment.panel)


def _attending(panel: Panel) -> list[str]:
    return [p.user_id for p in panel.panelists if p.declined_at is None]


def _everyone(panel: Panel) -> list[str]:
    return [p.user_id for p in panel.panelists]


# --- prep: packets, updates in place, invites ---------------------------------------------


async def packets(moment: Moment, user_ids: Iterable[str]) -> None:
    """A packet and a calendar invite for each newcomer to the panel."""
    users = list(user_ids)
    await _queue(moment, NudgeKind.PREP_PACKET, users, extra=await _earlier(moment))
    await invites(moment, users)


async def updates(
    moment: Moment,
    user_ids: Iterable[str],
    per_user: Mapping[str, Mapping[str, Any]] | None = None,
) -> None:
    """Re-render these people's packets in place; an update not yet sent is replaced by this
    one. ``per_user`` may name the packet's message of someone no longer on the panel."""
    users = list(dict.fromkeys(user_ids))
    for user_id in users:
        await outbox.supersede(
            moment.session, moment.panel.id, NudgeKind.PACKET_UPDATE, user_id, now=moment.now
        )
    await _queue(
        moment, NudgeKind.PACKET_UPDATE, users, extra=await _earlier(moment), per_user=per_user
    )


async def invites(moment: Moment, user_ids: Iterable[str]) -> None:
    """A new or updated invite (same UID, higher SEQUENCE), or its cancellation.

    One invite per person however early the changes come: an invite not yet sent is replaced
    by the newer one, and a cancellation goes only to someone who was sent an invite.
    """
    cancelled = moment.panel.is_cancelled
    to: list[str] = []
    for user_id in dict.fromkeys(user_ids):
        sent_before = await outbox.supersede(
            moment.session, moment.panel.id, NudgeKind.PREP_INVITE, user_id, now=moment.now
        )
        if sent_before or not cancelled:
            to.append(user_id)
    sequence = moment.state.version + (1 if cancelled else 0)
    await _queue(
        moment,
        NudgeKind.PREP_INVITE,
        to,
        extra={"sequence": sequence, "cancelled": cancelled},
    )


# --- the event notices -------------------------------------------------------------------


async def _event(moment: Moment, kind: NudgeKind, extra: Mapping[str, Any]) -> None:
    """The policy's recipients of ``kind``, plus a receipt for whoever made the change."""
    change = moment.change
    notices = event_nudges(kind, moment.state, now=moment.now, event_id=moment.event_id)
    if all(n.recipient_id != change.actor_id for n in notices):
        notices.append(_notice(moment, kind, change.actor_id, None))
    via = {"via": change.detail["via"]} if change.detail.get("via") else {}
    payload = zone_payload(moment.tz_of, {**extra, "by": change.actor_id, **via})
    await outbox.enqueue(moment.session, notices, now=moment.now, payload=payload)


async def _scheduled(moment: Moment) -> None:
    """The coordinator's confirmation (it names round-1 interviewers seated again, so their
    ids travel with it), then every panelist's packet and invite."""
    prior = await moment.session.scalars(
        select(PriorRound.interviewer_ids).where(
            PriorRound.candidate_id == moment.panel.candidate_id
        )
    )
    interviewers = list(dict.fromkeys(u for ids in prior for u in ids or []))
    await _event(moment, NudgeKind.PANEL_SCHEDULED, {"prior_interviewers": interviewers})
    await packets(moment, _attending(moment.panel))


async def _rescheduled(moment: Moment) -> None:
    await _event(moment, NudgeKind.PANEL_RESCHEDULED, {"previous": moment.change.notes["previous"]})
    await updates(moment, _everyone(moment.panel))
    await invites(moment, _attending(moment.panel))


async def _cancelled(moment: Moment) -> None:
    await _event(
        moment, NudgeKind.PANEL_CANCELLED, {"reason": moment.change.detail.get("reason", "")}
    )
    await updates(moment, _everyone(moment.panel))
    await invites(moment, _everyone(moment.panel))


async def _confirmed(moment: Moment) -> None:
    await updates(moment, [moment.change.actor_id])


async def _declined(moment: Moment) -> None:
    """The decliner's packet shows it; the coordinator is alerted at once, with a way to
    replace them (the seat's focus and perspective travel with the alert)."""
    actor = moment.change.actor_id
    await updates(moment, [actor])
    seat = next(p for p in moment.panel.panelists if p.user_id == actor)
    alert = _notice(moment, NudgeKind.PANELIST_DECLINED, moment.panel.coordinator_id, actor)
    extra = {
        "reason": seat.decline_reason or "",
        "focus_area": seat.focus_area,
        "focus_detail": seat.focus_detail,
        "perspective": seat.perspective,
    }
    await outbox.enqueue(
        moment.session, [alert], now=moment.now, payload=zone_payload(moment.tz_of, extra)
    )


async def _replaced(moment: Moment) -> None:
    """The newcomer gets a packet and an invite; everyone else's packet shows the new roster;
    the replaced panelist's packet says they are no longer needed."""
    notes = moment.change.notes
    newcomer: str = notes["to"]
    withdrawn: Mapping[str, Mapping[str, Any]] = notes.get("withdrawn", {})
    await packets(moment, [newcomer])
    others = [u for u in _everyone(moment.panel) if u != newcomer]
    await updates(moment, [*others, *withdrawn], per_user=withdrawn)


async def _reminded(moment: Moment) -> None:
    who = moment.change.notes.get("who", ())
    await _queue(moment, NudgeKind.PREP_REMINDER_NOW, who, extra={"by": moment.change.actor_id})


async def _nothing(_moment: Moment) -> None:
    """Re-planning is all this change needs (its nudges follow from the new state)."""


Announcer = Callable[[Moment], Awaitable[None]]

#: Every action and the notices it owes; a test fails if an action lacks an entry.
ANNOUNCERS: Mapping[Action, Announcer] = {
    Action.SCHEDULED: _scheduled,
    Action.RESCHEDULED: _rescheduled,
    Action.CANCELLED: _cancelled,
    Action.PREP_CONFIRMED: _confirmed,
    Action.PREP_DECLINED: _declined,
    Action.PANELIST_REPLACED: _replaced,
    Action.REMINDED_NOW: _reminded,
    Action.QUESTIONS_PLANNED: _nothing,
    Action.FEEDBACK_SUBMITTED: _nothing,
    Action.FEEDBACK_EDITED: _nothing,
    Action.EXCUSED: _nothing,
    Action.DECIDED: _nothing,
    Action.CANDIDATE_UPDATED: _nothing,
}
