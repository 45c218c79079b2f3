"""The nudge policy, table by table: who is nudged, when, with which key, and what re-planning
after a change adds and cancels. Pure: no database, no clock but the ``now`` passed in.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime, timedelta

import pytest

from scheduling.nudges import NudgeKind, PanelistSnapshot, PanelSnapshot, PlannedNudge
from scheduling.policy import diff, event_nudges, plan
from tests.support.policy import at, settings

NY = "America/New_York"
BERLIN = "Europe/Berlin"
LA = "America/Los_Angeles"
KOLKATA = "Asia/Kolkata"
LONDON = "Europe/London"

REMIND = NudgeKind.PREP_REMINDER
ESCALATE = NudgeKind.PREP_ESCALATION


def panelist(user_id: str, *, confirmed: bool = False, declined: bool = False) -> PanelistSnapshot:
    return PanelistSnapshot(user_id=user_id, confirmed=confirmed, declined=declined)


def panel(
    starts_at: str,
    *panelists: PanelistSnapshot,
    status: str = "scheduled",
    version: int = 0,
    coordinator: str = "UCOORD",
) -> PanelSnapshot:
    return PanelSnapshot(
        panel_id=7,
        status=status,
        starts_at=at(starts_at),
        duration_minutes=60,
        coordinator_id=coordinator,
        panelists=panelists or (panelist("U1"), panelist("U2")),
        version=version,
    )


def prep(nudges: list[PlannedNudge]) -> list[PlannedNudge]:
    """Reminders and escalations: what these tables are about (packets closing at the start
    have tables of their own below)."""
    return [n for n in nudges if n.kind is not NudgeKind.PACKET_CLOSED]


def prep_plan(*args: object) -> list[PlannedNudge]:
    return prep(plan(*args))  # type: ignore[arg-type]


def summary(nudges: list[PlannedNudge]) -> list[tuple[str, str, datetime, bool]]:
    """(kind, recipient, due, urgent) of each reminder or escalation, in a stable order."""
    rows = [(str(n.kind), n.recipient_id, n.due_at, n.urgent) for n in prep(nudges)]
    return sorted(rows, key=lambda row: (row[0], row[1]))


ALL_NY = {"U1": NY, "U2": NY, "U3": NY, "UCOORD": NY}

# --- plan: who is nudged and when -------------------------------------------------------

PLANS = [
    pytest.param(
        panel("2026-06-17T14:00-04:00"),  # Wednesday afternoon
        {},
        ALL_NY,
        "2026-06-15T08:00-04:00",
        [
            ("prep_escalation", "UCOORD", at("2026-06-17T12:00-04:00"), True),
            ("prep_reminder", "U1", at("2026-06-16T14:00-04:00"), False),
            ("prep_reminder", "U2", at("2026-06-16T14:00-04:00"), False),
        ],
        id="reminders-a-day-before-and-escalation-two-hours-before",
    ),
    pytest.param(
        panel(
            "2026-06-17T14:00-04:00",
            panelist("U1", confirmed=True),
            panelist("U2", declined=True),
            panelist("U3"),
        ),
        {},
        ALL_NY,
        "2026-06-15T08:00-04:00",
        [
            ("prep_escalation", "UCOORD", at("2026-06-17T12:00-04:00"), True),
            ("prep_reminder", "U3", at("2026-06-16T14:00-04:00"), False),
        ],
        id="confirmed-and-declined-panelists-are-not-reminded",
    ),
    pytest.param(
        panel(
            "2026-06-17T14:00-04:00",
            panelist("U1", confirmed=True),
            panelist("U2", declined=True),
        ),
        {},
        ALL_NY,
        "2026-06-15T08:00-04:00",
        [],
        id="everyone-attending-prepared-nothing-at-all",
    ),
    pytest.param(
        panel("2026-06-17T14:00-04:00", status="cancelled"),
        {},
        ALL_NY,
        "2026-06-15T08:00-04:00",
        [],
        id="cancelled-panel-nothing",
    ),
    pytest.param(
        panel("2026-06-17T14:00-04:00"),
        {},
        ALL_NY,
        "2026-06-17T14:00-04:00",
        [],
        id="panel-started-nothing",
    ),
    pytest.param(
        panel("2026-06-22T10:00-04:00"),  # Monday morning
        {},
        ALL_NY,
        "2026-06-17T08:00-04:00",
        [
            ("prep_escalation", "UCOORD", at("2026-06-22T08:00-04:00"), True),
            ("prep_reminder", "U1", at("2026-06-19T10:00-04:00"), False),
            ("prep_reminder", "U2", at("2026-06-19T10:00-04:00"), False),
        ],
        id="monday-panel-reminded-on-friday",
    ),
    pytest.param(
        panel("2026-06-22T10:00-04:00"),
        {"business_time": False},
        ALL_NY,
        "2026-06-17T08:00-04:00",
        [
            ("prep_escalation", "UCOORD", at("2026-06-22T08:00-04:00"), True),
            ("prep_reminder", "U1", at("2026-06-21T10:00-04:00"), False),
            ("prep_reminder", "U2", at("2026-06-21T10:00-04:00"), False),
        ],
        id="business-time-off-sunday-is-fine",
    ),
    pytest.param(
        panel("2026-06-18T19:00-04:00"),  # Thursday evening
        {},
        ALL_NY,
        "2026-06-15T08:00-04:00",
        [
            ("prep_escalation", "UCOORD", at("2026-06-18T17:00-04:00"), True),
            ("prep_reminder", "U1", at("2026-06-18T09:00-04:00"), False),
            ("prep_reminder", "U2", at("2026-06-18T09:00-04:00"), False),
        ],
        id="evening-reminder-held-to-next-morning",
    ),
    pytest.param(
        panel("2026-06-17T10:00-04:00"),
        {"prep_reminder_lead": timedelta(hours=14)},  # due Tuesday 20:00
        ALL_NY,
        "2026-06-15T08:00-04:00",
        [
            ("prep_escalation", "UCOORD", at("2026-06-17T08:00-04:00"), True),
            ("prep_reminder", "U1", at("2026-06-16T20:00-04:00"), True),
            ("prep_reminder", "U2", at("2026-06-16T20:00-04:00"), True),
        ],
        id="hold-would-pass-the-escalation-so-sent-on-time",
    ),
    pytest.param(
        panel("2026-06-17T14:00-04:00"),
        {},
        ALL_NY,
        "2026-06-17T11:00-04:00",  # scheduled three hours before
        [
            ("prep_escalation", "UCOORD", at("2026-06-17T12:00-04:00"), True),
            ("prep_reminder", "U1", at("2026-06-17T11:00-04:00"), False),
            ("prep_reminder", "U2", at("2026-06-17T11:00-04:00"), False),
        ],
        id="short-notice-reminded-now",
    ),
    pytest.param(
        panel("2026-06-17T14:00-04:00"),
        {},
        ALL_NY,
        "2026-06-17T13:00-04:00",  # after the escalation time
        [
            ("prep_escalation", "UCOORD", at("2026-06-17T13:00-04:00"), True),
            ("prep_reminder", "U1", at("2026-06-17T13:00-04:00"), False),
            ("prep_reminder", "U2", at("2026-06-17T13:00-04:00"), False),
        ],
        id="shorter-notice-everything-now",
    ),
    pytest.param(
        panel("2026-06-17T09:30-04:00"),
        {},
        ALL_NY,
        "2026-06-16T20:00-04:00",  # the evening before
        [
            ("prep_escalation", "UCOORD", at("2026-06-17T07:30-04:00"), True),
            ("prep_reminder", "U1", at("2026-06-16T20:00-04:00"), True),
            ("prep_reminder", "U2", at("2026-06-16T20:00-04:00"), True),
        ],
        id="short-notice-in-the-evening-not-held-past-the-escalation",
    ),
    pytest.param(
        panel("2026-06-17T07:00-04:00"),
        {},
        ALL_NY,
        "2026-06-17T06:00-04:00",
        [
            ("prep_escalation", "UCOORD", at("2026-06-17T06:00-04:00"), True),
            ("prep_reminder", "U1", at("2026-06-17T06:00-04:00"), True),
            ("prep_reminder", "U2", at("2026-06-17T06:00-04:00"), True),
        ],
        id="about-to-start-urgent-at-once",
    ),
]


@pytest.mark.parametrize(("snapshot", "overrides", "tz_of", "now", "expected"), PLANS)
def test_plan(snapshot, overrides, tz_of, now, expected):
    assert summary(plan(snapshot, settings(**overrides), tz_of, at(now))) == expected


# --- plan: time zones and daylight saving -----------------------------------------------

ZONES = [
    pytest.param(
        "2026-06-16T16:00+00:00",  # Tuesday: 09:00 in LA, 21:30 in Kolkata
        {"U1": LA, "U2": KOLKATA, "UCOORD": LONDON},
        {
            "U1": at("2026-06-15T09:00-07:00"),  # a day before, in working hours
            "U2": at("2026-06-16T09:00+05:30"),  # 21:30 Monday held to Tuesday morning
        },
        id="la-and-kolkata-each-in-their-own-working-hours",
    ),
    pytest.param(
        "2026-06-15T03:00+00:00",  # Monday 08:30 in Kolkata, Sunday 20:00 in LA
        {"U1": LA, "U2": KOLKATA, "UCOORD": LONDON},
        {
            "U1": at("2026-06-12T09:00-07:00"),  # from Sunday: Friday 00:00, held to 09:00
            "U2": at("2026-06-12T09:00+05:30"),  # Friday 08:30 held to 09:00
        },
        id="one-panel-different-local-weekdays",
    ),
    pytest.param(
        "2026-06-16T16:00+00:00",
        {"U2": "Not/AZone"},
        {
            "U1": at("2026-06-15T16:00+00:00"),  # missing zone: UTC
            "U2": at("2026-06-15T16:00+00:00"),  # unknown zone: UTC
        },
        id="missing-or-unknown-zone-is-utc",
    ),
    pytest.param(
        "2026-03-09T10:00-04:00",  # Monday after New York springs forward
        {"U1": NY, "U2": BERLIN},
        {
            "U1": at("2026-03-06T10:00-05:00"),
            "U2": at("2026-03-06T15:00+01:00"),  # Monday 15:00 in Berlin, still CET
        },
        id="dst-spring-new-york",
    ),
    pytest.param(
        "2026-03-30T10:00+02:00",  # Monday after Berlin springs forward
        {"U1": BERLIN, "U2": NY},
        {
            "U1": at("2026-03-27T10:00+01:00"),
            "U2": at("2026-03-27T09:00-04:00"),  # Monday 04:00 in NY: Friday 04:00, held
        },
        id="dst-spring-berlin",
    ),
    pytest.param(
        "2026-11-02T10:00-05:00",  # Monday after New York falls back
        {"U1": NY, "U2": BERLIN},
        {
            "U1": at("2026-10-30T10:00-04:00"),
            "U2": at("2026-10-30T16:00+01:00"),  # Monday 16:00 in Berlin, already CET
        },
        id="dst-fall-new-york",
    ),
    pytest.param(
        "2026-10-26T10:00+01:00",  # Monday after Berlin falls back
        {"U1": BERLIN, "U2": NY},
        {
            "U1": at("2026-10-23T10:00+02:00"),
            "U2": at("2026-10-23T09:00-04:00"),  # Monday 05:00 in NY: Friday 05:00, held
        },
        id="dst-fall-berlin",
    ),
]


@pytest.mark.parametrize(("starts_at", "tz_of", "expected"), ZONES)
def test_prep_reminders_follow_each_recipients_zone(starts_at, tz_of, expected):
    nudges = plan(panel(starts_at), settings(), tz_of, at("2026-01-05T12:00+00:00"))
    reminders = {n.recipient_id: n.due_at for n in nudges if n.kind == REMIND}
    assert reminders == expected
    assert all(not n.urgent for n in nudges if n.kind == REMIND)


def test_escalation_is_never_held_for_working_hours():
    snapshot = panel("2026-06-20T10:00-04:00")  # a Saturday panel: escalation at 08:00
    nudges = plan(snapshot, settings(), ALL_NY, at("2026-06-15T12:00-04:00"))
    [escalation] = [n for n in nudges if n.kind == ESCALATE]
    assert escalation.due_at == at("2026-06-20T08:00-04:00")
    assert escalation.urgent
    assert escalation.recipient_id == "UCOORD"
    assert escalation.subject_id is None


# --- keys -------------------------------------------------------------------------------


def test_keys_name_kind_panel_schedule_and_person():
    nudges = prep_plan(panel("2026-06-17T14:00-04:00"), settings(), ALL_NY, at("2026-06-15T12:00Z"))
    # One per person and local day: the escalation's day and each reminder's day.
    assert sorted(n.dedupe_key for n in nudges) == [
        "prep_escalation:p7:d2026-06-17",
        "prep_reminder:p7:d2026-06-16:U1",
        "prep_reminder:p7:d2026-06-16:U2",
    ]
    reminders = [n for n in nudges if n.kind == REMIND]
    assert all(n.subject_id == n.recipient_id for n in reminders)
    assert {n.panel_id for n in nudges} == {7}


@pytest.mark.parametrize("later", ["2026-06-15T12:00Z", "2026-06-16T11:00Z"], ids=str)
def test_replanning_the_same_situation_adds_and_cancels_nothing(later):
    snapshot = panel("2026-06-17T14:00-04:00")
    first = prep_plan(snapshot, settings(), ALL_NY, at("2026-06-15T12:00Z"))
    again = prep_plan(snapshot, settings(), ALL_NY, at(later))
    assert diff(again, [n.dedupe_key for n in first]) == ([], [])


def test_a_reminder_keeps_its_day_however_late_it_is_replanned():
    """Planned as of when the panelist joined: re-planned a day later (the dispatcher was
    down, or someone else confirmed), the reminder keeps its key, so one already sent is never
    planned again, and one still pending is only re-timed to go at once."""
    joined = at("2026-06-15T12:00Z")
    snapshot = panel(
        "2026-06-17T14:00-04:00",
        PanelistSnapshot("U1", joined_at=joined),
        PanelistSnapshot("U2", joined_at=joined),
    )
    first = prep_plan(snapshot, settings(), ALL_NY, joined)
    late = at("2026-06-17T13:00Z")
    again = prep_plan(snapshot, settings(), ALL_NY, late)
    assert diff(again, [n.dedupe_key for n in first]) == ([], [])
    reminders = [n for n in again if n.kind is REMIND]
    assert [n.dedupe_key for n in reminders] == [
        "prep_reminder:p7:d2026-06-16:U1",
        "prep_reminder:p7:d2026-06-16:U2",
    ]
    assert all(n.due_at == late for n in reminders)


def test_no_reminder_within_four_hours_of_the_packet():
    """Joined (packet sent) three hours before the start: the escalation comes first and the
    reminder has no room. Joined at 08:00 for a 14:00 start: the reminder waits until noon."""
    tight = panel(
        "2026-06-17T14:00-04:00", PanelistSnapshot("U1", joined_at=at("2026-06-17T11:00-04:00"))
    )
    assert summary(plan(tight, settings(), ALL_NY, at("2026-06-17T11:00-04:00"))) == [
        ("prep_escalation", "UCOORD", at("2026-06-17T12:00-04:00"), True)
    ]
    roomy = panel(
        "2026-06-17T18:00-04:00", PanelistSnapshot("U1", joined_at=at("2026-06-17T08:00-04:00"))
    )
    assert summary(plan(roomy, settings(), ALL_NY, at("2026-06-17T08:00-04:00"))) == [
        ("prep_escalation", "UCOORD", at("2026-06-17T16:00-04:00"), True),
        ("prep_reminder", "U1", at("2026-06-17T12:00-04:00"), False),
    ]


# --- diff: recomputation after a change -------------------------------------------------

OLD = panel("2026-06-17T14:00-04:00")
NOW = at("2026-06-15T12:00-04:00")
OLD_KEYS = [n.dedupe_key for n in prep_plan(OLD, settings(), ALL_NY, NOW)]
CANCEL_NOTICE = "panel_cancelled:p7:e41:U1"
FOREIGN_KEY = "interview_kit:p7:v0@20260617T180000Z:U1"  # a kind this module does not know


def test_reschedule_adds_fresh_reminders_and_cancels_the_old_ones():
    moved = replace(OLD, starts_at=at("2026-06-18T14:00-04:00"), version=1)
    to_add, to_cancel = diff(prep_plan(moved, settings(), ALL_NY, NOW), OLD_KEYS)
    assert summary(to_add) == [
        ("prep_escalation", "UCOORD", at("2026-06-18T12:00-04:00"), True),
        ("prep_reminder", "U1", at("2026-06-17T14:00-04:00"), False),
        ("prep_reminder", "U2", at("2026-06-17T14:00-04:00"), False),
    ]
    assert sorted(n.dedupe_key for n in to_add) == [
        "prep_escalation:p7:d2026-06-18",
        "prep_reminder:p7:d2026-06-17:U1",
        "prep_reminder:p7:d2026-06-17:U2",
    ]
    assert to_cancel == sorted(OLD_KEYS)


def test_reschedule_without_a_version_bump_still_gets_fresh_keys():
    moved = replace(OLD, starts_at=at("2026-06-18T14:00-04:00"))
    to_add, to_cancel = diff(prep_plan(moved, settings(), ALL_NY, NOW), OLD_KEYS)
    assert len(to_add) == 3
    assert to_cancel == sorted(OLD_KEYS)


def test_moved_within_the_day_keeps_its_keys():
    """Moved two hours later (or away and back): the same days, so the same keys; the pending
    rows are re-timed, and a reminder already sent that day is not sent again."""
    later = replace(OLD, starts_at=at("2026-06-17T16:00-04:00"), version=1)
    to_add, to_cancel = diff(prep_plan(later, settings(), ALL_NY, NOW), OLD_KEYS)
    assert (to_add, to_cancel) == ([], [])
    back = replace(OLD, version=2)
    assert diff(prep_plan(back, settings(), ALL_NY, NOW), OLD_KEYS) == ([], [])


CHANGES = [
    pytest.param(
        replace(OLD, panelists=(panelist("U1", confirmed=True), panelist("U2"))),
        ["prep_reminder:p7:d2026-06-16:U1"],
        id="one-confirms-their-reminder-goes",
    ),
    pytest.param(
        replace(OLD, panelists=(panelist("U1"), panelist("U2", declined=True))),
        ["prep_reminder:p7:d2026-06-16:U2"],
        id="one-declines-their-reminder-goes",
    ),
    pytest.param(
        replace(OLD, panelists=(panelist("U1", confirmed=True), panelist("U2", confirmed=True))),
        sorted(OLD_KEYS),
        id="all-confirm-the-escalation-goes-too",
    ),
    pytest.param(
        replace(OLD, status="cancelled"),
        sorted(OLD_KEYS),
        id="cancelled-everything-time-based-goes",
    ),
]


@pytest.mark.parametrize(("changed", "cancelled"), CHANGES)
def test_changes_cancel_what_no_longer_applies(changed, cancelled):
    pending = [*OLD_KEYS, CANCEL_NOTICE, FOREIGN_KEY]
    to_add, to_cancel = diff(prep_plan(changed, settings(), ALL_NY, NOW), pending)
    assert to_add == []
    assert to_cancel == cancelled


def test_a_new_panelist_is_added_without_touching_the_others():
    grown = replace(OLD, panelists=(*OLD.panelists, panelist("U3")))
    to_add, to_cancel = diff(prep_plan(grown, settings(), ALL_NY, NOW), OLD_KEYS)
    assert [n.dedupe_key for n in to_add] == ["prep_reminder:p7:d2026-06-16:U3"]
    assert to_cancel == []


def test_diff_adds_each_key_once():
    nudges = prep_plan(OLD, settings(), ALL_NY, NOW)
    to_add, _ = diff([*nudges, *nudges], [])
    assert [n.dedupe_key for n in to_add] == [n.dedupe_key for n in nudges]


# --- event notices ----------------------------------------------------------------------

ROSTER = (panelist("U1", confirmed=True), panelist("U2"), panelist("U3", declined=True))

EVENTS = [
    pytest.param(
        NudgeKind.PANEL_RESCHEDULED,
        ["U1", "U2", "U3"],
        id="rescheduled-tells-everyone-even-who-declined-the-old-time",
    ),
    pytest.param(
        NudgeKind.PANEL_CANCELLED,
        ["U1", "U2"],
        id="cancelled-tells-those-still-coming",
    ),
]


@pytest.mark.parametrize(("kind", "recipients"), EVENTS)
def test_event_notices(kind, recipients):
    snapshot = replace(OLD, panelists=ROSTER)
    nudges = event_nudges(kind, snapshot, now=NOW, event_id="41")
    assert [n.recipient_id for n in nudges] == recipients
    assert [n.dedupe_key for n in nudges] == [f"{kind}:p7:e41:{u}" for u in recipients]
    assert all(n.due_at == NOW and n.urgent and n.kind == kind for n in nudges)


def test_a_retried_event_adds_nothing_and_a_new_event_notifies_again():
    first = event_nudges(NudgeKind.PANEL_RESCHEDULED, OLD, now=NOW, event_id="41")
    keys = [n.dedupe_key for n in first]
    retried = event_nudges(NudgeKind.PANEL_RESCHEDULED, OLD, now=NOW, event_id="41")
    again = event_nudges(NudgeKind.PANEL_RESCHEDULED, OLD, now=NOW, event_id="42")
    assert diff(retried, keys) == ([], [])
    assert len(diff(again, keys)[0]) == 2


def test_time_based_kinds_are_not_event_notices():
    with pytest.raises(ValueError, match="not an event notice"):
        event_nudges(NudgeKind.PREP_REMINDER, OLD, now=NOW, event_id="41")


def test_naive_now_is_refused():
    with pytest.raises(ValueError, match="aware"):
        prep_plan(OLD, settings(), ALL_NY, datetime(2026, 6, 15, 12))


# --- the start, and who hears of a move ---------------------------------------------------


def test_at_the_start_every_attending_packet_loses_its_buttons():
    snapshot = panel("2026-06-17T14:00-04:00", panelist("U1"), panelist("U2", declined=True))
    closing = [
        n for n in plan(snapshot, settings(), ALL_NY, NOW) if n.kind is NudgeKind.PACKET_CLOSED
    ]
    assert [(n.recipient_id, n.due_at, n.urgent) for n in closing] == [
        ("U1", at("2026-06-17T14:00-04:00"), True)
    ]
    cancelled = replace(snapshot, status="cancelled")
    assert not [
        n for n in plan(cancelled, settings(), ALL_NY, NOW) if n.kind is NudgeKind.PACKET_CLOSED
    ]


def test_moves_and_cancellations_reach_the_hiring_manager_and_recruiter():
    owned = replace(OLD, hiring_manager_id="UHM", recruiter_id="UREC")
    moved = event_nudges(NudgeKind.PANEL_RESCHEDULED, owned, now=NOW, event_id="9")
    assert sorted(n.recipient_id for n in moved) == ["U1", "U2", "UHM", "UREC"]
    gone = event_nudges(
        NudgeKind.PANEL_CANCELLED,
        replace(owned, panelists=(panelist("U1"), panelist("U2", declined=True))),
        now=NOW,
        event_id="10",
    )
    assert sorted(n.recipient_id for n in gone) == ["U1", "UHM", "UREC"]
