"""What people type in the prep forms (a decline's reason, the replacement chosen), checked
into typed values or field → message errors the platform shows next to each field.

Field names are the forms' own, as in ``bot.panels.request`` and ``bot.followup.forms``.
"""

from __future__ import annotations

from typing import Any

from bot.followup.forms import check_text
from bot.panels import bounds
from bot.panels.request import Checked

DECLINE_REASON = "reason"
REPLACEMENT = "replacement"


def check_decline(raw: dict[str, Any]) -> Checked:
    """Why a panelist can't attend: required, so the coordinator can act on it."""
    return check_text(
        raw, DECLINE_REASON, bounds.DECLINE_REASON, required="Please say why, in a few words."
    )


def check_replacement(raw: dict[str, Any]) -> Checked:
    """Who takes the seat: a person must be chosen (whether they can is the service's check)."""
    chosen = raw.get(REPLACEMENT)
    if not isinstance(chosen, str) or not chosen.strip():
        return Checked(errors={REPLACEMENT: "Pick the replacement."})
    return Checked(chosen.strip())
