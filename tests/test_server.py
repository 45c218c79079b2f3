"""The HTTP boundary: Slack's signature check and the health endpoint."""

from __future__ import annotations

import time
from urllib.parse import urlencode

from sqlalchemy import func, select

from bot.devtools.people import COORDINATOR
from bot.models import PanelDraft


def command_body(text: str) -> str:
    return urlencode(
        {
            "command": "/panel",
            "text": text,
            "user_id": COORDINATOR,
            "team_id": "T0HIREBOT",
            "trigger_id": "t1",
            "response_url": "http://127.0.0.1:9/r",
        }
    )


async def test_bad_signature_is_rejected_and_changes_nothing(bot):
    response = await bot.wire.post(
        command_body("new Mallory"), "application/x-www-form-urlencoded", secret="not-the-secret"
    )
    assert response.status_code == 401
    assert bot.fake.calls == []  # not even auth.test: the request never reached a listener


async def test_stale_timestamp_is_rejected(bot):
    six_minutes_ago = int(time.time()) - 6 * 60
    response = await bot.wire.post(
        command_body("help"), "application/x-www-form-urlencoded", timestamp=six_minutes_ago
    )
    assert response.status_code == 401
    assert bot.fake.calls == []


async def test_unsigned_view_submission_stores_nothing(bot):
    view = await bot.open_scheduler(COORDINATOR)
    response = await bot.http.post(
        "/slack/events",
        content=urlencode({"payload": '{"type":"view_submission","view":' + "{}" + "}"}),
        headers={"Content-Type": "application/x-www-form-urlencoded"},
    )
    assert response.status_code == 401
    assert view["callback_id"] == "panel_schedule_basics"
    async with bot.db.session() as session:
        assert await session.scalar(select(func.count()).select_from(PanelDraft)) == 0


async def test_healthz_reports_the_database(bot):
    response = await bot.http.get("/healthz")
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "ok" and body["database"] == "reachable"
    assert body["dialect"] in ("sqlite", "postgresql")
    assert body["outbox_lag_seconds"] == 0  # nothing due and unsent


async def test_healthz_says_when_the_database_is_gone(bot):
    from sqlalchemy.ext.asyncio import create_async_engine

    # Point the running app at a database nobody listens on (port 1).
    await bot.db.engine.dispose()
    bot.db.engine = create_async_engine("postgresql+asyncpg://nobody@127.0.0.1:1/none")
    bot.db.sessions.configure(bind=bot.db.engine)
    response = await bot.http.get("/healthz")
    assert response.status_code == 503
    assert response.json()["database"] == "unreachable"
    assert response.json()["outbox_lag_seconds"] is None

    # Metrics still answer, without the outbox's series: an outage is when they matter most.
    metrics = await bot.http.get("/metrics")
    assert metrics.status_code == 200
    assert "# TYPE hirebot_slack_api_calls_total counter" in metrics.text
    assert "hirebot_outbox_lag_seconds" not in metrics.text
