"""What the pure policy tests build on: instants written with their offset, and settings with
every lead and SLA pinned (to the documented defaults) so no environment changes a table."""

from __future__ import annotations

from datetime import datetime, timedelta

from bot.config import Settings, WorkingHours


def at(text: str) -> datetime:
    """An ISO 8601 instant with its offset."""
    moment = datetime.fromisoformat(text)
    assert moment.tzinfo is not None
    return moment


def settings(**overrides: object) -> Settings:
    """Settings for planning nudges: the documented defaults, then ``overrides``."""
    values: dict[str, object] = {
        "prep_reminder_lead": timedelta(hours=24),
        "prep_escalation_lead": timedelta(hours=2),
        "feedback_reminder_after": timedelta(hours=24),
        "feedback_escalation_after": timedelta(hours=48),
        "decision_sla": timedelta(hours=48),
        "candidate_update_sla": timedelta(days=3),
        "business_time": True,
        "working_hours": WorkingHours.parse("09:00-17:00"),
    }
    values.update(overrides)
    return Settings(_env_file=None, **values)  # type: ignore[call-arg]  # no .env in tests
