"""What the connectors share: one HTTP client each, failures sorted into "try again later"
(429, 5xx, timeouts) and "refused", and never a credential in a message or a log line."""

from __future__ import annotations

import logging
import re
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime

import httpx

from bot.ats.connector import AtsRejected, AtsUnavailable


class _WithoutQueries(logging.Filter):
    """httpx logs every request's URL at INFO, and a résumé's signed download URL carries a
    short-lived credential (in its query, and often in its path): a URL with a query is logged
    as its origin only.

    A filter, not a level: other libraries set the ``httpx`` logger's level to their own (the
    Teams SDK's HTTP client does), which let signed URLs through when both ran in one process.
    """

    def filter(self, record: logging.LogRecord) -> bool:
        if isinstance(record.args, tuple):
            record.args = tuple(
                _origin(a) if isinstance(a, httpx.URL) and a.query else a for a in record.args
            )
        return True


def _origin(url: httpx.URL) -> str:
    return f"{url.scheme}://{url.netloc.decode()}/…"


logging.getLogger("httpx").addFilter(_WithoutQueries())

#: Seconds an ATS call may take: short, since the task queue tries again later anyway.
TIMEOUT_SECONDS = 10.0
USER_AGENT = "HireBot (ATS connector)"


def client(base_url: str, **kwargs: object) -> httpx.AsyncClient:
    return httpx.AsyncClient(
        base_url=base_url,
        timeout=TIMEOUT_SECONDS,
        headers={"User-Agent": USER_AGENT, "Accept": "application/json"},
        # Extra httpx options from callers (a transport in tests); httpx types each keyword.
        **kwargs,  # type: ignore[arg-type]
    )


def retry_after(response: httpx.Response) -> float | None:
    """Retry-After in seconds (or an HTTP date), else X-RateLimit-Reset (a Unix time)."""
    value = response.headers.get("Retry-After", "").strip()
    if re.fullmatch(r"\d+(\.\d+)?", value):
        return float(value)
    if value:
        try:
            return max(0.0, (parsedate_to_datetime(value) - datetime.now(UTC)).total_seconds())
        except (TypeError, ValueError):
            pass
    reset = response.headers.get("X-RateLimit-Reset", "").strip()
    if reset.isdigit():
        return max(0.0, int(reset) - datetime.now(UTC).timestamp())
    return None


def check(response: httpx.Response, what: str) -> None:
    """Raise the typed error a non-2xx answer means (the body is not echoed: it may hold
    candidate data)."""
    status = response.status_code
    if status == 429:
        raise AtsUnavailable(f"{what}: rate limited (429)", retry_after(response))
    if status >= 500:
        raise AtsUnavailable(f"{what}: HTTP {status}")
    if status >= 400:
        raise AtsRejected(f"{what}: HTTP {status}")


async def send(http: httpx.AsyncClient, request: httpx.Request, what: str) -> httpx.Response:
    try:
        response = await http.send(request)
    except httpx.TimeoutException:
        raise AtsUnavailable(f"{what}: timed out") from None
    except httpx.TransportError as exc:
        raise AtsUnavailable(f"{what}: {type(exc).__name__}") from None
    check(response, what)
    return response


def parse_time(value: object) -> datetime | None:
    """ISO 8601 from an ATS ("2026-11-27T15:00:00.000Z"), as an aware UTC datetime."""
    if not isinstance(value, str) or not value:
        return None
    try:
        parsed = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return None
    return parsed.replace(tzinfo=UTC) if parsed.tzinfo is None else parsed.astimezone(UTC)


def plain(text: object, limit: int = 4000) -> str:
    """HTML (job descriptions, rich text) as plain text, whitespace folded."""
    if not isinstance(text, str):
        return ""
    text = re.sub(r"<(br|/p|/li|/h\d)\s*/?>", "\n", text, flags=re.IGNORECASE)
    text = re.sub(r"<li[^>]*>", "• ", text, flags=re.IGNORECASE)
    text = re.sub(r"<[^>]+>", "", text)
    for entity, char in (
        ("&amp;", "&"),
        ("&lt;", "<"),
        ("&gt;", ">"),
        ("&nbsp;", " "),
        ("&#39;", "'"),
        ("&quot;", '"'),
    ):
        text = text.replace(entity, char)
    lines = [" ".join(line.split()) for line in text.splitlines()]
    return "\n".join(line for line in lines if line)[:limit]
