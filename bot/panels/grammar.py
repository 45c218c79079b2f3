"""The ``/panel`` command grammar (DESIGN.md, "Slash command"), parsed without any Slack types."""

from __future__ import annotations

import re
from dataclasses import dataclass

REFERENCE = re.compile(r"^[Pp]-?(\d{1,9})$")

#: Subcommands that take a panel reference.
NEEDS_PANEL = ("status", "reschedule", "cancel", "history")


@dataclass(frozen=True)
class PanelCommand:
    name: str  # help | new | list | status | reschedule | cancel | stalled | history
    argument: str = ""  # the candidate name for ``new``
    panel_id: int | None = None
    problem: str | None = None  # set when the text was not understood: show usage with it
    # ``problem`` is plain text (the person's own words quoted in it): each platform escapes it
    # for its own format, so what someone typed can never become markup.


def parse_reference(text: str) -> int | None:
    """``P-12``, ``p12`` or ``12`` → 12; anything else → None."""
    text = text.strip()
    match = REFERENCE.match(text) or re.fullmatch(r"(\d{1,9})", text)
    return int(match.group(1)) if match else None


ECHO = 60  # how much of what someone typed a problem repeats back


def _quoted(words: str) -> str:
    words = " ".join(words.split())
    return f"“{words[: ECHO - 1] + '…' if len(words) > ECHO else words}”"


def parse(text: str) -> PanelCommand:
    words = text.strip().split(maxsplit=1)
    if not words:
        return PanelCommand("help")
    verb = words[0].lower()
    rest = words[1].strip() if len(words) > 1 else ""
    if verb in ("help", "-h", "--help", "?"):
        return PanelCommand("help")
    if verb == "new":
        return PanelCommand("new", argument=rest)
    if verb in ("list", "stalled"):
        if rest:
            return PanelCommand("help", problem=f"{_quoted(verb)} takes no arguments.")
        return PanelCommand(verb)
    if verb in NEEDS_PANEL:
        if not rest:
            return PanelCommand(
                "help", problem=f"{_quoted(verb)} needs a panel, for example “{verb} P-12”."
            )
        panel_id = parse_reference(rest)
        if panel_id is None:
            return PanelCommand(
                "help", problem=f"{_quoted(rest)} is not a panel reference like “P-12”."
            )
        return PanelCommand(verb, panel_id=panel_id)
    return PanelCommand("help", problem=f"I don't know {_quoted(verb)}.")
