"""The modals: scheduling (two steps), rescheduling and cancelling a panel.

Block ids are the field names ``bot.panels.request`` validates, so an error for a field comes
back next to that field without any mapping table.
"""

from __future__ import annotations

import json
from datetime import datetime, timedelta
from typing import Any
from zoneinfo import available_timezones

from bot.models import PanelFormat
from bot.panels import bounds
from bot.panels.candidates import EarlierCandidate
from bot.panels.notices import PanelSummary
from bot.panels.request import (
    MAX_DURATION,
    MAX_NAME,
    MAX_PANELISTS,
    MAX_ROUND,
    MIN_DURATION,
    PanelBasics,
    assignment_fields,
)
from bot.panels.vocabulary import FOCUS_LABELS, FORMAT_LABELS, PERSPECTIVE_LABELS
from bot.people import zone_or_utc
from bot.slack import ids
from bot.slack.blocks import (
    Block,
    context,
    input_block,
    modal,
    option,
    plain,
    section,
)
from bot.slack.text import escape, local_time, mention, safe, truncate

COMMON_ZONES = (
    "America/Los_Angeles",
    "America/Denver",
    "America/Chicago",
    "America/New_York",
    "America/Sao_Paulo",
    "Europe/London",
    "Europe/Berlin",
    "Europe/Paris",
    "Africa/Lagos",
    "Asia/Dubai",
    "Asia/Kolkata",
    "Asia/Singapore",
    "Asia/Tokyo",
    "Australia/Sydney",
    "UTC",
)
MAX_OPTIONS = 100


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


def _text_input(
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


def _number(initial: int, low: int, high: int) -> dict[str, Any]:
    return {
        "type": "number_input",
        "is_decimal_allowed": False,
        "initial_value": str(initial),
        "min_value": str(low),
        "max_value": str(high),
    }


def _static(options: dict[str, str], initial: str | None = None, placeholder: str = "Choose…"):
    element: dict[str, Any] = {
        "type": "static_select",
        "placeholder": plain(placeholder, 150),
        "options": [option(label, value) for value, label in options.items()],
    }
    if initial:
        element["initial_option"] = option(options[initial], initial)
    return element


def _slot_blocks(start: datetime, tz_name: str, duration: int) -> list[Block]:
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
            _number(duration, MIN_DURATION, MAX_DURATION),
            hint=f"{MIN_DURATION} to {MAX_DURATION} minutes.",
        ),
    ]


def schedule_basics(*, candidate_name: str, coordinator_tz: str, now: datetime) -> dict[str, Any]:
    """Step 1: who, what, when, where, and what round 1 already covered."""
    tomorrow_ten = (now.astimezone(zone_or_utc(coordinator_tz)) + timedelta(days=1)).replace(
        hour=10, minute=0, second=0, microsecond=0
    )
    blocks: list[Block] = [
        input_block("candidate", "Candidate", _text_input(candidate_name, placeholder="Full name")),
        input_block(
            "role_title", "Role title", _text_input(placeholder="e.g. Senior Data Engineer")
        ),
        input_block(
            "responsibilities",
            "Role responsibilities",
            _text_input(multiline=True, max_length=bounds.RESPONSIBILITIES.max_length),
            hint="What the person in this role will own; every panelist's packet carries it.",
        ),
        input_block("round", "Round", _number(2, 1, MAX_ROUND)),
        *_slot_blocks(tomorrow_ten, coordinator_tz, 60),
        input_block(
            "format",
            "Format",
            _static(FORMAT_LABELS, PanelFormat.CONVERSATION),
        ),
        input_block(
            "location",
            "Location or video link",
            _text_input(
                max_length=bounds.LOCATION.max_length,
                placeholder="Room 4.2, or https://meet.example.com/abc",
            ),
        ),
        input_block(
            "panelists",
            "Panelists",
            {
                "type": "multi_users_select",
                "placeholder": plain("Choose 1 to 8 people", 150),
                "max_selected_items": MAX_PANELISTS,
            },
            hint="Next you'll give each a focus area.",
        ),
        input_block(
            "hiring_manager",
            "Hiring manager",
            {"type": "users_select", "placeholder": plain("Who decides", 150)},
        ),
        input_block(
            "recruiter",
            "Recruiter",
            {"type": "users_select", "placeholder": plain("Who talks to the candidate", 150)},
        ),
        input_block("resume_url", "Résumé link", {"type": "url_text_input"}, optional=True),
        input_block(
            "prior_notes",
            "Round 1 notes",
            _text_input(multiline=True, max_length=bounds.PRIOR_NOTES.max_length),
            optional=True,
        ),
        input_block(
            "prior_questions",
            "Round 1 questions already asked",
            _text_input(multiline=True, max_length=bounds.PRIOR_QUESTIONS.max_length),
            optional=True,
            hint="One per line. Panelists see them as “covered already — don't repeat”.",
        ),
        input_block(
            "prior_interviewers",
            "Round 1 interviewers",
            {"type": "multi_users_select", "placeholder": plain("Who interviewed before", 150)},
            optional=True,
        ),
    ]
    return modal("Schedule a panel", blocks, callback_id=ids.SCHEDULE_STEP1, submit="Next")


def schedule_focus(
    basics: PanelBasics, draft_id: str, earlier: EarlierCandidate | None = None
) -> dict[str, Any]:
    """Step 2: each panelist's focus area and perspective (and, when the same name and role
    had a panel before, whether this is that candidate's next round)."""
    blocks: list[Block] = [
        context(
            f"*{safe(basics.candidate_name, 200)}* for *{safe(basics.role_title, 200)}*: give each"
            " panelist a distinct focus so nobody asks the same things."
        )
    ]
    if earlier is not None:
        blocks.append(same_candidate_block(earlier, basics.round_number))
    for user_id in basics.panelist_ids:
        focus_field, detail_field, perspective_field = assignment_fields(user_id)
        blocks += [
            section(f"*{mention(user_id)}*"),
            input_block(focus_field, "Focus area", _static(FOCUS_LABELS)),
            input_block(
                detail_field,
                "If other: which focus?",
                _text_input(max_length=bounds.FOCUS_DETAIL.max_length),
                optional=True,
            ),
            input_block(perspective_field, "Perspective", _static(PERSPECTIVE_LABELS)),
        ]
    return modal(
        "Panel focus areas",
        blocks,
        callback_id=ids.SCHEDULE_STEP2,
        submit="Schedule",
        close="Back",
        private_metadata=json.dumps({"draft": draft_id}),
    )


SAME_CANDIDATE = "same_candidate"  # block id; values "reuse:<candidate id>" or "new"


def same_candidate_block(earlier: EarlierCandidate, round_number: int) -> Block:
    """A choice defaulting to "same person": their earlier rounds' questions then carry over."""
    next_round = max(round_number, earlier.next_round)
    reuse = option(
        f"Yes: {truncate(earlier.name, 40)}'s round {next_round}",
        f"reuse:{earlier.candidate_id}",
    )
    reuse["description"] = plain(
        f"Round {earlier.round_number} was on {earlier.starts_at:%d %b %Y}; its questions"
        " are marked “already asked”.",
        75,
    )
    return input_block(
        SAME_CANDIDATE,
        "Same candidate as before?",
        {
            "type": "radio_buttons",
            "options": [reuse, option("No, a different person with that name", "new")],
            "initial_option": reuse,
        },
    )


def reschedule(summary: PanelSummary) -> dict[str, Any]:
    slot = summary.slot
    blocks = [
        section(
            f"*{summary.reference}* · {safe(summary.candidate_name, 200)} for"
            f" {safe(summary.role_title, 200)}\nNow: {local_time(slot.starts_at, slot.timezone)}"
            f" ({slot.duration_minutes} min)"
        ),
        *_slot_blocks(slot.starts_at, slot.timezone, slot.duration_minutes),
        context("Panelists are told by DM, in their own time zone."),
    ]
    return modal(
        f"Reschedule {summary.reference}",
        blocks,
        callback_id=ids.RESCHEDULE,
        submit="Reschedule",
        private_metadata=json.dumps({"panel": summary.panel_id}),
    )


def cancel(summary: PanelSummary) -> dict[str, Any]:
    slot = summary.slot
    panelists = ", ".join(mention(s.person.id) for s in summary.seats)
    blocks = [
        section(
            f"Cancel *{summary.reference}*, {escape(summary.candidate_name)}'s round"
            f" {summary.round_number} panel on {local_time(slot.starts_at, slot.timezone)}?"
            f"\nThese panelists will be told: {panelists}"
        ),
        input_block(
            "reason",
            "Reason (shared with the panelists)",
            _text_input(
                max_length=bounds.CANCEL_REASON.max_length,
                placeholder="e.g. The candidate withdrew",
            ),
            optional=True,
        ),
    ]
    return modal(
        f"Cancel {summary.reference}?",
        blocks,
        callback_id=ids.CANCEL_CONFIRM,
        submit="Cancel panel",
        close="Keep it",
        private_metadata=json.dumps({"panel": summary.panel_id}),
    )


def form_values(view: dict[str, Any]) -> dict[str, Any]:
    """Flatten ``view.state.values`` into field → value, whatever the element type."""
    values: dict[str, Any] = {}
    for block_id, elements in (view.get("state") or {}).get("values", {}).items():
        for element in elements.values():
            values[block_id] = _element_value(element)
    return values


def _element_value(element: dict[str, Any]) -> Any:
    kind = element.get("type")
    if kind in ("static_select", "external_select", "radio_buttons"):
        selected = element.get("selected_option")
        return selected.get("value") if selected else None
    if kind == "users_select":
        return element.get("selected_user")
    if kind == "multi_users_select":
        return element.get("selected_users") or []
    if kind == "datepicker":
        return element.get("selected_date")
    if kind == "timepicker":
        return element.get("selected_time")
    return element.get("value")


def metadata(view: dict[str, Any]) -> dict[str, Any]:
    try:
        data = json.loads(view.get("private_metadata") or "{}")
    except json.JSONDecodeError:
        return {}
    return data if isinstance(data, dict) else {}


def submission_key(view: dict[str, Any]) -> str | None:
    """What names one submission of a modal: its view id and hash. Slack gives every view an
    id and a new hash each time it changes, so the same submission posted twice carries the
    same key, while a modal updated in place and submitted again does not."""
    view_id, view_hash = view.get("id"), view.get("hash")
    return f"view:{view_id}:{view_hash}" if view_id and view_hash else None
