"""Building a panelist's prep packet from the panel as it is now: pure, no I/O."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from bot.delivery import Delivery
from bot.models import Panel, Panelist
from bot.panels.labels import PERSPECTIVE_LABELS, focus_label
from bot.panels.notices import PanelBrief
from bot.people import Person
from bot.prep.guidance import evaluation_for, themes_for
from bot.prep.notices import PacketState, PrepPacket, RosterEntry


def packet_state(panel: Panel, seat: Panelist) -> PacketState:
    if panel.is_cancelled:
        return PacketState.CANCELLED
    if seat.declined_at is not None:
        return PacketState.DECLINED
    if seat.confirmed_at is not None:
        return PacketState.CONFIRMED
    return PacketState.OPEN


def roster(panel: Panel, people: Mapping[str, Person]) -> tuple[RosterEntry, ...]:
    """Everyone on the panel (those who declined too, marked by the renderer via state)."""
    entries = []
    for p in panel.panelists:
        person = people.get(p.user_id) or Person(id=p.user_id, name=p.user_id)
        entries.append(
            RosterEntry(
                user_id=p.user_id,
                name=person.name,
                title=person.title,
                focus=focus_label(p.focus_area, p.focus_detail),
                perspective=PERSPECTIVE_LABELS.get(p.perspective, p.perspective),
            )
        )
    return tuple(entries)


def build_packet(
    brief: PanelBrief,
    panel: Panel,
    seat: Panelist,
    people: Mapping[str, Person],
    earlier: Mapping[str, Any],
    *,
    replaces: Delivery | None = None,
    started: bool = False,
) -> PrepPacket:
    """``earlier`` is the payload's snapshot of earlier rounds (``bot.changes.announce``)."""
    return PrepPacket(
        brief=brief,
        recipient_id=seat.user_id,
        roster=roster(panel, people),
        focus=focus_label(seat.focus_area, seat.focus_detail),
        perspective=PERSPECTIVE_LABELS.get(seat.perspective, seat.perspective),
        themes=themes_for(seat.focus_area),
        evaluate=evaluation_for(panel.format),
        notes=tuple((int(n), str(t)) for n, t in earlier.get("notes", [])),
        covered=tuple(str(q) for q in earlier.get("covered", [])),
        state=packet_state(panel, seat),
        confirmed_at=seat.confirmed_at,
        decline_reason=seat.decline_reason or "",
        replaces=replaces,
        started=started,
    )
