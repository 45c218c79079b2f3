"""``GET /metrics`` and ``/healthz``'s outbox lag, after real activity through Slack's wire."""

from __future__ import annotations

from collections import Counter
from datetime import UTC, datetime, timedelta

from prometheus_client.parser import text_string_to_metric_families

from bot.devtools.fake_slack import Fault
from bot.devtools.people import COORDINATOR
from tests.factories import scheduled

#: The day before the panel: Pat's and Carlos's prep reminders fall due (tests/test_nudges_cli).
REMINDERS_DUE = datetime(2026, 11, 26, 15, 0, tzinfo=UTC)


async def scrape(bot) -> dict[tuple[str, frozenset], float]:
    response = await bot.http.get("/metrics")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/plain; version=")
    return {
        (s.name, frozenset(s.labels.items())): s.value
        for family in text_string_to_metric_families(response.text)
        for s in family.samples
    }


def value(samples: dict, name: str, **labels: str) -> float:
    return samples.get((name, frozenset(labels.items())), 0.0)


def by_label(samples: dict, name: str, label: str) -> dict[str, float]:
    """``name``'s samples summed per value of one label."""
    totals: Counter[str] = Counter()
    for (sample, labels), v in samples.items():
        if sample == name:
            totals[dict(labels)[label]] += v
    return dict(totals)


async def test_a_scheduled_panel_its_reminders_a_429_and_a_gone_recipient(bot):
    assert (await bot.http.get("/healthz")).json()["outbox_lag_seconds"] == 0

    await scheduled(bot, COORDINATOR)  # confirmation, then packets and invites via the outbox
    bot.fake.fail_next("chat.postMessage", Fault(status=429, retry_after=30))
    bot.fake.fail_next("chat.postMessage", Fault(status=200, error="channel_not_found"))
    report = await bot.run_nudges(REMINDERS_DUE)
    assert (report.retry_later, report.failed) == (1, 1)

    bot.clock.set(REMINDERS_DUE + timedelta(minutes=2))  # the rate-limited one is 90 s overdue
    samples = await scrape(bot)

    # What the dispatcher did, by kind.
    sent = "hirebot_nudges_sent_total"
    assert value(samples, sent, kind="panel_scheduled") == 1  # the coordinator's confirmation
    assert value(samples, sent, kind="prep_packet") == 3
    assert value(samples, sent, kind="prep_invite") == 3
    assert value(samples, sent, kind="nudge_failed") == 1  # the coordinator told of the failure
    assert value(samples, "hirebot_nudges_retried_total", kind="prep_reminder") == 1
    assert value(samples, "hirebot_nudges_failed_total", kind="prep_reminder") == 1
    assert value(samples, "hirebot_messages_sent_total") == 8

    # The outbox as the database has it, and its lag.
    nudges = Counter((n.status, n.kind) for n in await bot.nudges())
    exported = {
        (dict(labels)["status"], dict(labels)["kind"]): v
        for (name, labels), v in samples.items()
        if name == "hirebot_nudges"
    }
    assert exported == nudges
    assert exported[("failed", "prep_reminder")] == 1
    assert value(samples, "hirebot_outbox_lag_seconds") == 90
    assert (await bot.http.get("/healthz")).json()["outbox_lag_seconds"] == 90

    # Every Web API call Slack saw is counted once, Bolt's own and the listeners' included.
    seen = Counter(c.method for c in bot.fake.calls if c.method not in ("response_url", "upload"))
    assert by_label(samples, "hirebot_slack_api_calls_total", "method") == seen
    assert {"auth.test", "views.open", "users.info", "chat.postMessage"} <= set(seen)
    assert by_label(samples, "hirebot_slack_api_call_seconds_count", "method") == seen
    calls = "hirebot_slack_api_calls_total"
    assert value(samples, calls, method="chat.postMessage", outcome="rate_limited") == 1
    assert value(samples, calls, method="chat.postMessage", outcome="channel_not_found") == 1
    assert value(samples, calls, method="views.open", outcome="ok") == 1

    # Each request Slack posted, timed to its ack, by listener.
    timed = by_label(samples, "hirebot_slack_request_seconds_count", "listener")
    assert timed == {
        "command:/panel": 1,
        "view_submission:panel_schedule_basics": 1,
        "view_submission:panel_schedule_focus": 1,
    }


async def test_listener_labels_stay_bounded_whatever_a_request_carries(bot):
    for action_id in ("made-up-1", "made-up-2"):
        await bot.wire.click(COORDINATOR, action_id)
    timed = by_label(await scrape(bot), "hirebot_slack_request_seconds_count", "listener")
    assert timed == {"block_actions:other": 2}


async def test_each_app_counts_only_its_own_activity(bot):
    """A registry per app: a second app in the same process starts from zero."""
    from bot.db import Database
    from bot.services import build_services

    await scheduled(bot, COORDINATOR)
    db = Database(bot.settings.database_url)
    other = build_services(bot.settings, bot.clock, db)
    content, _ = other.metrics.exposition(None)
    await db.dispose()
    assert b"hirebot_nudges_sent_total{" not in content
    assert value(await scrape(bot), "hirebot_nudges_sent_total", kind="prep_packet") == 3
