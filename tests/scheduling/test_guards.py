"""Each guard on its own: why a due nudge no longer applies, from the panel as it is now."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from types import SimpleNamespace
from typing import Any

import pytest

from scheduling import guards, kinds

NOW = datetime(2026, 11, 25, 15, tzinfo=UTC)


def seat(user_id: str, **state: Any) -> SimpleNamespace:
    base = dict(
        confirmed_at=None, declined_at=None, joined_at=None, packet_ts=None, excused_at=None
    )
    return SimpleNamespace(user_id=user_id, **{**base, **state})


def panel(*seats: SimpleNamespace, cancelled: bool = False, starts_in: int = 24) -> Any:
    return SimpleNamespace(
        panelists=list(seats),
        is_cancelled=cancelled,
        starts_at=NOW + timedelta(hours=starts_in),
    )


def nudge(kind: str = "prep_reminder", **fields: Any) -> Any:
    base = dict(kind=kind, subject_id="U1", recipient_id="U1", payload={}, due_at=NOW)
    return SimpleNamespace(**{**base, **fields})


def test_panel_open_and_not_started():
    assert guards.panel_open(nudge(), panel(cancelled=True), NOW) == "panel cancelled"
    assert guards.panel_open(nudge(), panel(), NOW) is None
    assert guards.not_started(nudge(), panel(starts_in=0), NOW) == "panel already started"
    assert guards.not_started(nudge(), panel(starts_in=1), NOW) is None


@pytest.mark.parametrize(
    ("state", "reason"),
    [
        ({}, None),
        ({"confirmed_at": NOW}, "already confirmed their prep"),
        ({"declined_at": NOW}, "declined the panel"),
    ],
)
def test_a_reminder_goes_only_to_someone_still_unprepared(state, reason):
    assert guards.subject_unprepared(nudge(), panel(seat("U1", **state)), NOW) == reason


def test_someone_gone_from_the_panel_is_not_reminded():
    assert guards.subject_on_panel(nudge(), panel(seat("U2")), NOW) == "no longer on the panel"
    assert guards.recipient_attending(nudge(), panel(seat("U2")), NOW) == "no longer on the panel"


def test_the_escalation_waits_only_while_someone_is_unprepared():
    ready = panel(seat("U1", confirmed_at=NOW), seat("U2", declined_at=NOW))
    assert guards.someone_unprepared(nudge(), ready, NOW) == "everyone on the panel is prepared"
    assert guards.unprepared(panel(seat("U1"), seat("U2", confirmed_at=NOW))) == ("U1",)


def test_an_update_in_place_needs_a_posted_packet():
    assert guards.packet_to_update(nudge(), panel(seat("U1")), NOW) == "no packet sent yet"
    assert guards.packet_to_update(nudge(), panel(seat("U1", packet_ts="1.2")), NOW) is None
    # Replaced: their old packet is still updated (withdrawn) when the nudge names it.
    gone = nudge(payload={"ts": "1.2", "channel": "D1"})
    assert guards.packet_to_update(gone, panel(seat("U2")), NOW) is None


def test_an_invite_cancellation_goes_only_to_whoever_had_one():
    cancel = nudge("prep_invite", payload={"cancelled": True})
    assert guards.invite_applies(cancel, panel(seat("U1")), NOW) == "never sent an invite"
    assert guards.invite_applies(cancel, panel(seat("U1", packet_ts="1.2")), NOW) is None
    invite = nudge("prep_invite")
    assert guards.invite_applies(invite, panel(seat("U1"), cancelled=True), NOW)


def test_a_daily_occurrence_from_an_earlier_local_day_is_stale():
    la = {"tz": "America/Los_Angeles"}
    # 06:00 UTC on the 25th is still the 24th in Los Angeles: an earlier local day.
    stale = nudge(due_at=datetime(2026, 11, 25, 6, tzinfo=UTC), payload=la)
    assert guards.fresh_occurrence(stale, panel(), NOW) == "a newer occurrence replaces it"
    today = nudge(due_at=datetime(2026, 11, 25, 9, tzinfo=UTC), payload=la)
    assert guards.fresh_occurrence(today, panel(), NOW) is None


def test_skip_reason_asks_the_kinds_guards_in_order():
    reminder = nudge()
    assert kinds.skip_reason(reminder, panel(seat("U1"), cancelled=True), NOW) == "panel cancelled"
    assert kinds.skip_reason(reminder, panel(seat("U1")), NOW) is None
    feedback = nudge("feedback_request")
    assert kinds.skip_reason(feedback, panel(seat("U1")), NOW) == "follow-up state not loaded"
