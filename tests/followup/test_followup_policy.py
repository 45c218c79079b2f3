"""The after-the-panel nudge policy, table by table (pure, like tests/scheduling/test_policy.py):
who is nudged when for feedback, the decision and the candidate-update clock, and the keys that
keep daily nudges from doubling."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta
from zoneinfo import ZoneInfo

import pytest

from bot.followup.progress import DecisionState, PanelProgress, SeatProgress
from scheduling.nudges import NudgeKind, PanelistSnapshot, PanelSnapshot, PlannedNudge
from scheduling.policy import diff, plan
from tests.support.policy import at, settings

NY = "America/New_York"
CHICAGO = "America/Chicago"
BERLIN = "Europe/Berlin"
ZONES = {"U1": NY, "U2": BERLIN, "UHM": NY, "UREC": CHICAGO, "UCOORD": NY}
FOLLOWUP = {k for k in NudgeKind if k.value.split("_")[0] in ("feedback", "decision", "candidate")}


#: A Friday panel, 10:00-11:00 in New York (15:00-16:00 UTC).
STARTS = at("2026-11-27T10:00-05:00")
ENDS = at("2026-11-27T11:00-05:00")


def progress(*seats: SeatProgress, decision=None, updated=None) -> PanelProgress:
    return PanelProgress(
        panel_id=7,
        reference="P-7",
        candidate_name="Ada",
        role_title="Engineer",
        cancelled=False,
        ends_at=ENDS,
        coordinator_id="UCOORD",
        hiring_manager_id="UHM",
        recruiter_id="UREC",
        seats=seats or (SeatProgress("U1"), SeatProgress("U2")),
        decision=decision,
        last_update_at=updated,
    )


def panel(state: PanelProgress | None, status: str = "scheduled") -> PanelSnapshot:
    return PanelSnapshot(
        panel_id=7,
        status=status,
        starts_at=STARTS,
        duration_minutes=60,
        coordinator_id="UCOORD",
        panelists=(PanelistSnapshot("U1", confirmed=True), PanelistSnapshot("U2", confirmed=True)),
        hiring_manager_id="UHM",
        recruiter_id="UREC",
        followup=state,
    )


def rows(nudges: list[PlannedNudge], *, first_overdue_only: bool = True) -> list[tuple]:
    """(kind, recipient, due, urgent), the overdue series shown by its first day only."""
    out, seen = [], set()
    for n in nudges:
        if n.kind not in FOLLOWUP:
            continue
        if first_overdue_only and n.kind is NudgeKind.CANDIDATE_UPDATE_OVERDUE:
            if (n.kind, n.recipient_id) in seen:
                continue
            seen.add((n.kind, n.recipient_id))
        out.append((str(n.kind), n.recipient_id, n.due_at, n.urgent))
    return sorted(out, key=lambda r: (r[0], r[1]))


FED = at("2026-11-30T10:00-05:00")
DECIDED = at("2026-12-01T09:30-05:00")

TABLE = [
    pytest.param(
        progress(),
        at("2026-11-25T10:00-05:00"),
        [
            # the candidate clock: P3D business days after the end, in each reader's zone
            ("candidate_update_escalation", "UCOORD", at("2026-12-04T11:00-05:00"), False),
            ("candidate_update_overdue", "UHM", at("2026-12-02T11:00-05:00"), False),
            ("candidate_update_overdue", "UREC", at("2026-12-02T10:00-06:00"), False),
            ("feedback_escalation", "UHM", at("2026-12-01T11:00-05:00"), False),
            ("feedback_reminder", "U1", at("2026-11-30T11:00-05:00"), False),
            # 17:00 in Berlin on Monday is after hours: Tuesday 09:00 there
            ("feedback_reminder", "U2", at("2026-12-01T09:00+01:00"), False),
            ("feedback_request", "U1", ENDS, True),
            ("feedback_request", "U2", ENDS, True),
        ],
        id="scheduled-everything-after-the-end-is-planned",
    ),
    pytest.param(
        progress(SeatProgress("U1", feedback_at=ENDS), SeatProgress("U2", excused=True)),
        ENDS,
        [
            ("candidate_update_escalation", "UCOORD", at("2026-12-04T11:00-05:00"), False),
            ("candidate_update_overdue", "UHM", at("2026-12-02T11:00-05:00"), False),
            ("candidate_update_overdue", "UREC", at("2026-12-02T10:00-06:00"), False),
            ("decision_reminder", "UHM", at("2026-12-01T11:00-05:00"), False),
            ("decision_request", "UHM", ENDS, False),
        ],
        id="all-in-or-excused-the-decision-is-asked",
    ),
    pytest.param(
        progress(
            SeatProgress("U1", feedback_at=FED),
            SeatProgress("U2", declined=True),
            decision=DecisionState("reject", "Not senior enough", "UHM", DECIDED),
        ),
        DECIDED,
        [
            ("candidate_update_escalation", "UCOORD", at("2026-12-04T11:00-05:00"), False),
            ("candidate_update_overdue", "UHM", at("2026-12-02T11:00-05:00"), False),
            ("candidate_update_overdue", "UREC", at("2026-12-02T10:00-06:00"), False),
            # 08:30 in Chicago: held for the recruiter's working hours
            ("candidate_update_request", "UREC", at("2026-12-01T09:00-06:00"), False),
        ],
        id="decided-the-recruiter-is-asked-the-clock-runs-on",
    ),
    pytest.param(
        progress(
            SeatProgress("U1", feedback_at=FED),
            decision=DecisionState("offer", "", "UHM", DECIDED),
            updated=DECIDED + timedelta(hours=1),
        ),
        DECIDED + timedelta(hours=1),
        [],
        id="decided-and-told-nothing",
    ),
]


@pytest.mark.parametrize(("state", "now", "expected"), TABLE)
def test_plan_after_the_panel(state, now, expected):
    assert rows(plan(panel(state), settings(), ZONES, now)) == expected


def test_cancelled_or_unknown_state_plans_nothing_after_the_panel():
    now = at("2026-11-25T10:00-05:00")
    assert rows(plan(panel(progress(), status="cancelled"), settings(), ZONES, now)) == []
    assert rows(plan(panel(None), settings(), ZONES, now)) == []


def overdue(nudges: list[PlannedNudge], user: str = "UREC") -> list[PlannedNudge]:
    return [
        n for n in nudges if n.kind is NudgeKind.CANDIDATE_UPDATE_OVERDUE and n.recipient_id == user
    ]


def test_the_overdue_series_is_daily_on_business_days_keyed_by_day():
    """Two occurrences at a time (the current one and the next); planning again once one is
    due moves the pair on, over the weekend, without end while the candidate waits."""
    days: list[str] = []
    moment = ENDS
    for _ in range(5):
        series = overdue(plan(panel(progress()), settings(), ZONES, moment))
        ahead = [n for n in series if n.due_at > moment]
        assert len(ahead) == 2  # two still to come (and the one falling due now, if any)
        assert len({n.dedupe_key for n in series}) == len(series)
        for n in series:
            day = n.due_at.astimezone(ZoneInfo(CHICAGO)).date().isoformat()
            assert n.dedupe_key.split(":")[-2] == day
            if day not in days:
                days.append(day)
        moment = ahead[0].due_at  # the next one falls due: plan from there
    assert days == [
        "2026-12-02",
        "2026-12-03",
        "2026-12-04",
        "2026-12-07",
        "2026-12-08",
        "2026-12-09",
    ]


def test_replanning_later_keeps_the_keys_of_days_already_planned():
    """Re-planning on Thursday (feedback arrived) plans from Thursday on with the same keys:
    Wednesday's, already sent, is not planned again, and nothing is cancelled."""
    first = plan(panel(progress()), settings(), ZONES, ENDS)
    thursday = at("2026-12-03T12:00-05:00")
    later = replace(
        progress(), seats=(SeatProgress("U1", feedback_at=thursday), SeatProgress("U2"))
    )
    again = plan(panel(later), settings(), ZONES, thursday)
    old = {n.dedupe_key for n in overdue(first)}
    new = {n.dedupe_key for n in overdue(again)}
    # Thursday's nudge (10:00 in Chicago) is due already: it goes now, under Thursday's key.
    assert min(n.due_at for n in overdue(again)) == thursday
    assert old - new == {next(iter(sorted(old)))}  # only Wednesday's dropped from the plan
    pending = [k for k in old if "2026-12-02" not in k]
    _, cancelled = diff(again, pending)
    assert not [k for k in cancelled if k.startswith("candidate_update_overdue")]


def test_an_update_starts_a_fresh_series_and_cancels_the_old_one():
    before = plan(panel(progress()), settings(), ZONES, ENDS)
    told = at("2026-12-02T12:00-05:00")
    after = plan(panel(progress(updated=told)), settings(), ZONES, told)
    pending = [n.dedupe_key for n in before if n.kind is NudgeKind.CANDIDATE_UPDATE_OVERDUE]
    _, to_cancel = diff(after, pending)
    assert set(to_cancel) == set(pending)
    fresh = overdue(after)
    assert fresh[0].due_at == at("2026-12-07T11:00-06:00")  # three business days after


def test_without_business_time_days_are_calendar_days_and_hours_do_not_hold():
    state = progress()
    nudges = plan(panel(state), settings(business_time=False), ZONES, ENDS)
    assert [n.due_at for n in overdue(nudges)] == [
        ENDS + timedelta(days=3),
        ENDS + timedelta(days=4),
    ]
