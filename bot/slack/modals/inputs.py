"""Input elements more than one modal uses: text, a choice among labels, a whole number, and
a panel's slot (date, start time, time zone, duration) with the time-zone search behind it.

Block ids are the field names the core validates (``bot.panels.request``,
``bot.followup.forms``), so an error for a field comes back next to that field without any
mapping table.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any
from zoneinfo import available_timezones

from bot.panels.request import MAX_DURATION, MAX_NAME, MIN_DURATION
from bot.people import COMMON_ZONES, zone_or_utc
from bot.slack import ids
from bot.slack.blocks import Block, input_block, option, plain

MAX_OPTIONS = 100


def text_input(
    initial: str = "",
    *,
    multiline: bool = False,
    max_length: int = MAX_NAME,
    placeholder: str = "",
) -> dict[str, Any]:
    element: dict[str, Any] = {
        "type": "plain_text_input",
        "multiline": multiline,
        "max_length": max_length,
    }
    if initial:
        element["initial_value"] = initial[:max_length]
    if placeholder:
        element["placeholder"] = plain(placeholder, 150)
    return element


def select(
    labels: dict[str, str], initial: str | None = None, placeholder: str = "Choose…"
) -> dict[str, Any]:
    """A choice among ``labels`` (value → label), starting at ``initial`` if it is one."""
    element: dict[str, Any] = {
        "type": "static_select",
        "placeholder": plain(placeholder, 150),
        "options": [option(label, value) for value, label in labels.items()],
    }
    if initial is not None and initial in labels:
        element["initial_option"] = option(labels[initial], initial)
    return element


def number(initial: int, low: int, high: int) -> dict[str, Any]:
    return {
        "type": "number_input",
        "is_decimal_allowed": False,
        "initial_value": str(initial),
        "min_value": str(low),
        "max_value": str(high),
    }


def slot_blocks(start: datetime, tz_name: str, duration: int) -> list[Block]:
    """Date, start time, zone and duration, starting at ``start`` shown in ``tz_name``."""
    local = start.astimezone(zone_or_utc(tz_name))
    return [
        input_block(
            "start_date",
            "Date",
            {"type": "datepicker", "initial_date": local.date().isoformat()},
        ),
        input_block(
            "start_time",
            "Start time",
            {"type": "timepicker", "initial_time": f"{local:%H:%M}"},
            hint="In the time zone below.",
        ),
        input_block(
            ids.TIMEZONE_OPTIONS,
            "Time zone",
            {
                "type": "external_select",
                "min_query_length": 0,
                "placeholder": plain("Type a city, e.g. Berlin", 150),
                # The offset as it will be on the panel's day, not today's.
                "initial_option": timezone_option(tz_name, start),
            },
        ),
        input_block(
            "duration",
            "Duration (minutes)",
            number(duration, MIN_DURATION, MAX_DURATION),
            hint=f"{MIN_DURATION} to {MAX_DURATION} minutes.",
        ),
    ]


def timezone_option(name: str, at: datetime) -> dict[str, Any]:
    offset = at.astimezone(zone_or_utc(name)).strftime("%z")
    return option(f"{name} (UTC{offset[:3]}:{offset[3:]})", name)


def timezone_options(query: str, at: datetime) -> list[dict[str, Any]]:
    """Zones matching what the person typed (``berlin``, ``new york``), common ones first."""
    needle = query.strip().lower().replace(" ", "_")
    if not needle:
        names = list(COMMON_ZONES)
    else:
        pool = sorted(z for z in available_timezones() if needle in z.lower())
        names = [z for z in COMMON_ZONES if z in pool] + [z for z in pool if z not in COMMON_ZONES]
    return [timezone_option(n, at) for n in names[:MAX_OPTIONS]]
