"""HireBot's Prometheus metrics: what an operator needs to see the outbox loop working.

One ``Metrics`` per app, each with a registry of its own rather than prometheus-client's global
default: tests, the demo and benchmarks build several apps in one process, and a shared
registry would refuse the second app's metrics (duplicate names) or mix their counts.

The outbox's state (nudges by status and kind, the age of the oldest due nudge) lives in the
database, which is async; a collector cannot await, so ``GET /metrics`` reads it first
(``scheduling.outbox_stats``) and hands the snapshot to ``OutboxCollector`` for that scrape.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Iterator
from typing import Protocol

from prometheus_client import (
    CONTENT_TYPE_LATEST,
    CollectorRegistry,
    Counter,
    Histogram,
    generate_latest,
)
from prometheus_client.core import GaugeMetricFamily, Metric
from prometheus_client.registry import Collector

from scheduling.outbox_stats import OutboxStats

#: Slack answers most calls in tens of milliseconds; the tail (retries, Retry-After) in seconds.
SLACK_CALL_BUCKETS = (0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0, 60.0)
#: Slack gives a listener 3 seconds to ack; the buckets are dense below that.
REQUEST_BUCKETS = (0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.0, 3.0, 5.0, 10.0)


class CountedNudge(Protocol):
    id: int
    kind: str


class OutboxCollector(Collector):
    """Exposes the outbox snapshot taken for the scrape in progress (nothing before one)."""

    def __init__(self) -> None:
        self.stats: OutboxStats | None = None

    def collect(self) -> Iterator[Metric]:
        stats = self.stats
        if stats is None:
            return
        nudges = GaugeMetricFamily(
            "hirebot_nudges",
            "Nudges in the outbox, by status and kind.",
            labels=["status", "kind"],
        )
        for (status, kind), count in sorted(stats.counts.items()):
            nudges.add_metric([status, kind], count)
        yield nudges
        yield GaugeMetricFamily(
            "hirebot_outbox_lag_seconds",
            "Age of the oldest pending nudge that is due (0 when none is).",
            value=stats.lag_seconds,
        )


class Metrics:
    """Every metric HireBot exports, registered in this app's own registry."""

    def __init__(self) -> None:
        self.registry = CollectorRegistry()
        self.outbox = OutboxCollector()
        self.registry.register(self.outbox)
        r = self.registry
        self.nudges_sent = Counter(
            "hirebot_nudges_sent", "Nudges delivered to Slack, by kind.", ["kind"], registry=r
        )
        self.messages_sent = Counter(
            "hirebot_messages_sent",
            "Messages the dispatcher delivered (a digest of several nudges is one).",
            registry=r,
        )
        self.nudges_retried = Counter(
            "hirebot_nudges_retried",
            "Nudges put back to be tried again later (rate limit, Slack unavailable), by kind.",
            ["kind"],
            registry=r,
        )
        self.nudges_failed = Counter(
            "hirebot_nudges_failed",
            "Nudges given up on (marked failed, the coordinator told), by kind.",
            ["kind"],
            registry=r,
        )
        self.nudges_skipped = Counter(
            "hirebot_nudges_skipped",
            "Nudges not sent because they no longer applied (guard), by kind.",
            ["kind"],
            registry=r,
        )
        self.slack_calls = Counter(
            "hirebot_slack_api_calls",
            "Slack Web API calls (after slack_sdk's own retries), by method and outcome:"
            " ok, rate_limited, unavailable, client_error, or Slack's error code.",
            ["method", "outcome"],
            registry=r,
        )
        self.slack_call_seconds = Histogram(
            "hirebot_slack_api_call_seconds",
            "Latency of Slack Web API calls, retries included, by method.",
            ["method"],
            buckets=SLACK_CALL_BUCKETS,
            registry=r,
        )
        self.request_seconds = Histogram(
            "hirebot_slack_request_seconds",
            "Time from a Slack request reaching HireBot's listeners to its ack, by listener.",
            ["listener"],
            buckets=REQUEST_BUCKETS,
            registry=r,
        )

    def count(
        self, counter: Counter, nudges: Iterable[CountedNudge], done: Collection[int]
    ) -> None:
        """Count by kind the ``nudges`` whose outcome was recorded (ids in ``done``)."""
        for nudge in nudges:
            if nudge.id in done:
                counter.labels(kind=nudge.kind).inc()

    def slack_call(self, method: str, outcome: str, seconds: float) -> None:
        self.slack_calls.labels(method=method, outcome=outcome).inc()
        self.slack_call_seconds.labels(method=method).observe(seconds)

    def exposition(self, stats: OutboxStats | None) -> tuple[bytes, str]:
        """The text format for a scrape, with the outbox as ``stats`` found it (``None``: the
        database could not be read, so the outbox's series are left out)."""
        self.outbox.stats = stats
        return generate_latest(self.registry), CONTENT_TYPE_LATEST
