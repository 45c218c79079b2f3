"""Making user text safe and short enough for Slack: one escaping function per output format.

Every piece of text a person typed (or a Slack profile holds) reaches Slack through exactly one
of these, once, at the point where it is put into a message:

- :func:`escape` for **mrkdwn** (section and context text, fields, the ``text`` fallback of a
  message). Slack reads ``&``, ``<`` and ``>`` as control characters (``<!channel>`` pings a
  channel, ``<http://x|click>`` is a link), so they become entities. ``*``, ``_``, ``~`` and
  backticks have no escape in mrkdwn at all, so they become look-alike characters the parser
  does not treat as markup: a name like ``*Ada*`` shows as ``∗Ada∗`` instead of turning the
  bot's own sentence bold or breaking out of a code span.
- :func:`link` for a URL inside ``<url|label>``.
- :func:`mention` for a user: ``<@U123>`` only for something shaped like a Slack user ID;
  anything else is shown as escaped text, never as markup.
- **plain_text** objects (headers, buttons, options, modal titles) and rich-text preformatted
  blocks show text verbatim: they need no escaping, only :func:`truncate`.

Text that already *is* mrkdwn (built from escaped parts) is never escaped again: that is how a
mention ended up shown as a literal ``<@U…>``. Block Kit has hard length limits; text over them
is cut with a visible ellipsis rather than failing the send.
"""

from __future__ import annotations

import re
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

#: mrkdwn's markup characters and what a person's text shows instead: characters that look the
#: same but that Slack's parser does not read as bold, italic, strike or code.
LOOKALIKES = {
    "*": "\u2217",  # ∗ asterisk operator
    "_": "\u02cd",  # ˍ modifier letter low macron
    "~": "\u223c",  # ∼ tilde operator
    "`": "\u02cb",  # ˋ modifier letter grave accent
}
_MRKDWN = str.maketrans({"&": "&amp;", "<": "&lt;", ">": "&gt;", **LOOKALIKES})
_USER_ID = re.compile(r"[UW][A-Z0-9]{2,20}")


def escape(text: str) -> str:
    """User text as literal mrkdwn: Slack's control characters as entities, markup characters
    as look-alikes. Apply once, to the user's own text, never to mrkdwn already built."""
    return text.translate(_MRKDWN)


def truncate(text: str, limit: int) -> str:
    """Cut ``text`` to ``limit`` characters, ending with an ellipsis when it was cut."""
    if len(text) <= limit:
        return text
    cut = text[: limit - 1]
    # Never leave half an escape sequence like "&am" at the end.
    amp = cut.rfind("&", max(0, len(cut) - 5))
    if amp != -1 and ";" not in cut[amp:]:
        cut = cut[:amp]
    # Nor half a mention or link ("<@U12", "<https://x|Rés").
    lt = cut.rfind("<", max(0, len(cut) - 2100))
    if lt != -1 and ">" not in cut[lt:]:
        cut = cut[:lt]
    return cut + ELLIPSIS


def safe(text: str, limit: int = SECTION_TEXT) -> str:
    """Escaped and cut: the usual treatment for user text inside mrkdwn."""
    return truncate(escape(text), limit)


def link(url: str, label: str) -> str:
    """``<url|label>``: the URL with the characters that would end the link percent-encoded,
    the label escaped like any user text."""
    target = url.replace("&", "&amp;").replace("<", "%3C").replace(">", "%3E").replace("|", "%7C")
    return f"<{target}|{escape(label)}>"


def mention(user_id: str) -> str:
    """A mention Slack renders as the person's name; anything not shaped like a user ID is
    shown as text, so a crafted value can never become ``<!channel>``."""
    if _USER_ID.fullmatch(user_id):
        return f"<@{user_id}>"
    return escape(user_id)


def local_time(moment: datetime, tz_name: str) -> str:
    """``Tue 1 Dec 2026, 10:00 EST`` in the given zone."""
    local = moment.astimezone(zone_or_utc(tz_name))
    return f"{local:%a} {local.day} {local:%b %Y, %H:%M} {local.tzname()}"


def plural(n: int, noun: str) -> str:
    """``1 day``, ``2 business days``."""
    return f"{n} {noun}{'s' if n != 1 else ''}"


def bullets(items: list[str], heading: str, limit: int = SECTION_TEXT) -> str:
    """A heading and as many bullets as fit in ``limit``; says how many were left out."""
    text = heading
    for i, item in enumerate(items):
        line = f"\n• {item}"
        more = f"\n_…and {len(items) - i} more_"
        if len(text) + len(line) + len(more) > limit - 40:
            return text + more
        text += line
    return text
