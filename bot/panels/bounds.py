"""Every bound on what people type, declared once per field and enforced on the server.

Slack's client enforces ``max_length`` only in its own modal; a crafted submission (or another
client) can send anything. So each field's bound is declared here once, matching its database
column; the modals take their ``max_length`` from it and the validators check it again.

Text is cleaned the same way everywhere (:func:`clean`): control characters, zero-width
characters and bidirectional overrides are dropped, which keeps what people see equal to what is
stored. Text with nothing visible left (zero-width characters, blanks, a bare list marker) is
treated as empty, so a required field rejects it.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from datetime import timedelta
from typing import Any


@dataclass(frozen=True)
class Bound:
    """A text field's limit (its column's), whether it may span lines, and whether it must be
    filled in."""

    max_length: int
    multiline: bool = False


# The scheduling form (columns: candidates.name, roles.title String(200); panels.location
# String(500); panels.resume_url String(2000); panelists.focus_detail String(200)).
CANDIDATE = Bound(200)
ROLE_TITLE = Bound(200)
RESPONSIBILITIES = Bound(3000, multiline=True)  # Slack's plain_text_input maximum
LOCATION = Bound(500)
RESUME_URL = Bound(2000)
PRIOR_NOTES = Bound(3000, multiline=True)
PRIOR_QUESTIONS = Bound(3000, multiline=True)
FOCUS_DETAIL = Bound(200)
#: One question (round 1's, a plan's, or one asked in feedback).
QUESTION = Bound(300)
# Changes and after the panel.
CANCEL_REASON = Bound(500, multiline=True)
DECLINE_REASON = Bound(500, multiline=True)
DECISION_REASON = Bound(1000, multiline=True)
UPDATE_NOTE = Bound(3000, multiline=True)
EVIDENCE = Bound(3000, multiline=True)
CONCERNS = Bound(3000, multiline=True)
QUESTIONS_ASKED = Bound(3000, multiline=True)
PLAN = Bound(3000, multiline=True)

#: How far ahead a panel may be scheduled: a year is plenty, and keeps every date arithmetic
#: (time zones, reminders, business days) far from the calendar's end.
MAX_START_AHEAD = timedelta(days=366)

#: Characters that change nothing visible and have no business in a name or a sentence:
#: zero-width space, word joiner, BOM, Mongolian vowel separator, and the bidi embeddings,
#: overrides and isolates (which can make text read differently from what is stored).
_DROPPED = dict.fromkeys(
    map(
        ord,
        "\u200b\u2060\ufeff\u180e\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"
        "\u00ad\u034f\u061c\u115f\u1160\u3164\uffa0",
    )
)
#: Characters that draw nothing, though some scripts need them between letters (joiners,
#: direction marks) or they render as blank (braille blank): kept, but not "visible".
_BLANK = frozenset("\u200c\u200d\u200e\u200f\u2800")
#: A list marker at the start of a line ("- ", "• ", "1. ", "2) "), or a line that is only one.
LIST_MARKER = re.compile(r"^\s*(?:[-*•–·]|\d{1,2}[.)])(?:\s+|$)")


def clean(text: object, *, multiline: bool = False) -> str:
    """``text`` as it will be stored: other control characters and invisible format characters
    dropped, line breaks normalised (or turned into spaces for one-line fields), trimmed."""
    if not isinstance(text, str):
        return ""
    text = text.replace("\r\n", "\n").replace("\r", "\n").translate(_DROPPED)
    kept = []
    for ch in text:
        if ch == "\n":
            kept.append(ch if multiline else " ")
        elif ch == "\t":
            kept.append(" ")
        elif unicodedata.category(ch) in ("Cc", "Cs", "Co", "Cn") and ch not in "\n":
            continue
        else:
            kept.append(ch)
    return "".join(kept).strip()


def visible(text: str) -> bool:
    """Whether ``text`` draws anything: not only spaces, format or combining characters."""
    return any(
        not (ch.isspace() or ch in _BLANK or unicodedata.category(ch) in ("Cf", "Mn", "Me"))
        for ch in text
    )


def meaningful(text: str) -> bool:
    """Visible once a leading list marker is set aside: "-", "1." or "•" alone say nothing."""
    return visible(LIST_MARKER.sub("", text))


def lines(text: str) -> tuple[str, ...]:
    """One item per line, list markers dropped, lines with nothing visible skipped."""
    found = []
    for line in text.splitlines():
        item = " ".join(LIST_MARKER.sub("", line).split())
        if visible(item):
            found.append(item)
    return tuple(found)


def too_long(bound: Bound, text: str) -> str | None:
    if len(text) > bound.max_length:
        return f"Keep this to {bound.max_length:,} characters (it has {len(text):,})."
    return None


def field(
    raw: dict[str, Any],
    name: str,
    bound: Bound,
    errors: dict[str, str],
    *,
    required: str | None = None,
) -> str:
    """Read, clean and check one text field; problems go into ``errors`` under ``name``.

    ``required``: the message when the field is empty, or has nothing visible in it.
    """
    text = clean(raw.get(name), multiline=bound.multiline)
    if not meaningful(text):
        if required:
            errors[name] = required
        elif text:
            errors[name] = "There's nothing readable here: write some words, or leave it empty."
        return ""
    problem = too_long(bound, text)
    if problem:
        errors[name] = problem
    return text
