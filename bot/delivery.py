"""Where a message landed, and the typed ways a delivery fails.

Platform adapters raise these (after their own retries), so the dispatcher decides by type
(try again later, wait, give up and tell someone) without knowing which platform it sends to.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Delivery:
    """Where a notice landed, so it can be updated in place later."""

    channel: str
    message_id: str


@dataclass(frozen=True)
class Posted:
    """A message the bot finds it posted to someone: the nudges it named, the file it shared."""

    delivery: Delivery
    nudge_ids: tuple[int, ...] = ()
    file_name: str = ""


@dataclass(frozen=True)
class FileToShare:
    """A file sent privately (an .ics invite, a résumé), with the line that introduces it."""

    name: str
    content: bytes
    title: str
    comment: str


class DeliveryError(Exception):
    """A platform call that still failed after the adapter's own retries."""

    retry_after: float | None = None


class PlatformUnavailable(DeliveryError):
    """The platform could not be reached, timed out or answered 5xx: worth trying again later."""


class RateLimited(DeliveryError):
    """Still rate limited after the adapter's retries; ``retry_after`` (seconds) says when."""


class RecipientGone(DeliveryError):
    """The person or conversation cannot receive messages (deactivated, removed): do not retry."""


class Rejected(DeliveryError):
    """The platform refused the request itself (bad content, bad credentials): do not retry."""
