"""Every nudge kind has one complete record, and every notice a renderer: adding a kind that
lacks a part fails here, not in production when the first one falls due."""

from __future__ import annotations

import inspect
import typing
from datetime import UTC, datetime
from types import SimpleNamespace

import pytest

from bot.platform import FILE_NOTICES, Notice
from bot.slack.platform import SlackPlatform  # noqa: F401  (registers every Slack renderer)
from bot.slack.render import render_notice
from scheduling import followup_composers, kinds
from scheduling.kinds import KINDS, TIME_BASED, KindRecord, Origin
from scheduling.nudges import NudgeKind

RECORDS = list(KINDS.values())


def test_every_kind_has_exactly_one_record() -> None:
    assert set(KINDS) == set(NudgeKind)
    assert all(key is record.kind for key, record in KINDS.items())


@pytest.mark.parametrize("record", RECORDS, ids=lambda r: r.kind.value)
def test_each_record_is_complete_for_its_origin(record: KindRecord) -> None:
    assert record.label.strip() and record.label == record.label.strip()
    assert inspect.iscoroutinefunction(record.compose)
    assert (record.planner is not None) == (record.origin is Origin.PLANNED)
    assert (record.recipients is not None) == (record.origin is Origin.EVENT)
    if record.renews:  # a series re-plans itself: only a planned kind can
        assert record.origin is Origin.PLANNED
    if record.after_sent is not None:
        assert inspect.iscoroutinefunction(record.after_sent)
    # Follow-up notices read feedback and decisions: the dispatcher must open a session.
    if record.compose.__module__ == followup_composers.__name__:
        assert record.reads_db
        assert record.progress_guards, "a follow-up kind is checked against its progress"


def test_time_based_kinds_are_the_planned_ones_in_record_order() -> None:
    assert tuple(r.kind for r in RECORDS if r.origin is Origin.PLANNED) == TIME_BASED


def test_labels_name_kinds_and_fall_back_for_unknown_ones() -> None:
    assert kinds.label("prep_escalation") == "unprepared-panel alert"
    assert kinds.label("from_a_later_version") == "from a later version"
    assert kinds.record_of("from_a_later_version") is None


def test_a_stored_kind_this_version_does_not_know_is_skipped_not_sent() -> None:
    nudge = SimpleNamespace(kind="from_a_later_version")
    panel = SimpleNamespace(is_cancelled=False)
    now = datetime(2026, 11, 28, tzinfo=UTC)
    assert kinds.skip_reason(nudge, panel, now) == "unknown kind 'from_a_later_version'"  # type: ignore[arg-type]
    assert kinds.skip_reason(nudge, None, now) == "panel deleted"  # type: ignore[arg-type]


MESSAGES = [t for t in typing.get_args(Notice) if t not in FILE_NOTICES]


@pytest.mark.parametrize("notice_type", MESSAGES, ids=lambda t: t.__name__)
def test_slack_renders_every_notice_of_the_port(notice_type: type) -> None:
    """The port's ``Notice`` is the full union; Slack has a renderer of its own for each one
    sent as a message (files are shared as they are)."""
    assert render_notice.dispatch(notice_type) is not render_notice.dispatch(object)
