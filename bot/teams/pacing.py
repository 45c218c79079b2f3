"""Teams' per-tenant request limit, kept on HireBot's side so bursts are not refused.

Microsoft documents a global limit of 50 requests a second per app per tenant for the bot APIs
(every call counts: sends, updates, new conversations), besides the per-conversation limits
the dispatcher's pacing keeps. A burst of nudges to many people in one tenant would otherwise
meet 429s. Each tenant gets an ``aiolimiter`` leaky bucket holding one request and draining at
95% of the tenant's rate: calls go out evenly spaced, a little further apart than the rate
asks, so the few milliseconds by which one call's arrival is late and the next one's early
cannot put one call more than the rate into a one-second window, whichever way Teams counts
its windows. (Spaced at exactly the rate, a burst of 30 sends met a 429 once sends stopped
waiting for database writes in between.)

The limit is this process's alone: several replicas each keep to it, so together they can
exceed it; Teams then answers 429 with ``Retry-After`` and the outbox retries (see the README).
"""

from __future__ import annotations

from aiolimiter import AsyncLimiter

#: The share of the documented rate HireBot uses: the rest absorbs arrival jitter.
HEADROOM = 0.95


class TenantLimiter:
    def __init__(self, rate: float) -> None:
        """``rate``: requests a second allowed per tenant (``TEAMS_TENANT_RATE``)."""
        if rate <= 0:
            raise ValueError("the rate must be positive")
        self.rate = rate
        self._buckets: dict[str, AsyncLimiter] = {}

    def _bucket(self, tenant_id: str) -> AsyncLimiter:
        bucket = self._buckets.get(tenant_id)
        if bucket is None:
            # A bucket of one request, drained a little slower than the rate: no burst.
            bucket = self._buckets[tenant_id] = AsyncLimiter(1, 1 / (self.rate * HEADROOM))
        return bucket

    async def wait(self, tenant_id: str) -> None:
        """Return when one more request to ``tenant_id`` keeps within the rate."""
        await self._bucket(tenant_id).acquire()
