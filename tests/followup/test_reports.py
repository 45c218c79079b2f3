"""The history's reading rule, applied once in the core: reasons and notes reach only readers
who may read assessments; everything else every reader sees."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from bot.followup.reports import entry
from bot.models import AuditEvent

AT = datetime(2026, 11, 20, 15, tzinfo=UTC)


def event(action: str, **detail: object) -> AuditEvent:
    return AuditEvent(actor_id="UHM", action=action, detail=detail, at=AT)


@pytest.mark.parametrize(
    ("action", "detail", "hidden"),
    [
        ("decided", {"outcome": "hire", "reason": "Strong SQL"}, {"reason"}),
        ("candidate_updated", {"note": "Told her Friday"}, {"note"}),
        ("cancelled", {"reason": "Role closed"}, set()),
        ("excused", {"panelist": "UPEER"}, set()),
    ],
)
def test_assessments_are_left_out_for_readers_who_may_not_read_them(action, detail, hidden):
    full = entry(event(action, **detail), assessments=True)
    blind = entry(event(action, **detail), assessments=False)
    assert dict(full.detail) == detail
    assert dict(blind.detail) == {k: v for k, v in detail.items() if k not in hidden}
    assert (blind.at, blind.actor_id, blind.action) == (AT, "UHM", action)
