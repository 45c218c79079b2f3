"""Making user text safe and short enough for Slack.

Slack treats ``&``, ``<`` and ``>`` as control characters in mrkdwn (``<!channel>`` pings a
channel), so all user-supplied text is escaped. Block Kit has hard length limits; text over them
is cut with a visible ellipsis rather than failing the send.
"""

from __future__ import annotations

from datetime import datetime

from bot.people import zone_or_utc

ELLIPSIS = "…"
SECTION_TEXT = 3000
HEADER_TEXT = 150
CONTEXT_TEXT = 2000
BUTTON_TEXT = 75
OPTION_TEXT = 75
MODAL_TITLE = 24
FALLBACK_TEXT = 3000


def escape(text: str) -> str:
    """Escape Slack's three control characters; nothing else needs it."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def truncate(text: str, limit: int) -> str:
    """Cut ``text`` to ``limit`` characters, ending with an ellipsis when it was cut."""
    if len(text) <= limit:
        return text
    cut = text[: limit - 1]
    # Never leave half an escape sequence like "&am" at the end.
    amp = cut.rfind("&", max(0, len(cut) - 5))
    if amp != -1 and ";" not in cut[amp:]:
        cut = cut[:amp]
    return cut + ELLIPSIS


def safe(text: str, limit: int = SECTION_TEXT) -> str:
    """Escaped and cut: the usual treatment for user text inside mrkdwn."""
    return truncate(escape(text), limit)


def mention(user_id: str) -> str:
    return f"<@{user_id}>"


def local_time(moment: datetime, tz_name: str) -> str:
    """``Tue 1 Dec 2026, 10:00 EST`` in the given zone."""
    local = moment.astimezone(zone_or_utc(tz_name))
    return f"{local:%a} {local.day} {local:%b %Y, %H:%M} {local.tzname()}"
