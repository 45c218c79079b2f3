"""The logistics message a coordinator sends the candidate: plain text, in the panel's zone."""

from __future__ import annotations

from collections.abc import Sequence

from bot.models import PanelFormat
from bot.panels.labels import FORMAT_LABELS
from bot.panels.request import Slot
from bot.people import Person, zone_or_utc

_WHAT_TO_PREPARE: dict[str, str] = {
    PanelFormat.CONVERSATION: "",
    PanelFormat.PRESENTATION: "You'll present to the panel; we'll send the brief separately.",
    PanelFormat.CASE_STUDY: "You'll work through a case study with the panel.",
    PanelFormat.TECHNICAL_EXERCISE: "You'll work through a technical exercise with the panel.",
}


def format_slot(slot: Slot, tz_name: str) -> str:
    """``Tuesday 1 December 2026, 10:00–11:00 (Europe/Berlin, UTC+01:00)``"""
    zone = zone_or_utc(tz_name)
    start = slot.starts_at.astimezone(zone)
    end = slot.ends_at.astimezone(zone)
    offset = start.strftime("%z")
    offset = f"UTC{offset[:3]}:{offset[3:]}"
    day = f"{start:%A} {start.day} {start:%B %Y}"
    end_text = f"{end:%H:%M}" if end.date() == start.date() else f"{end:%a %d %b %H:%M}"
    return f"{day}, {start:%H:%M}–{end_text} ({tz_name}, {offset})"


def candidate_message(
    *,
    candidate_name: str,
    role_title: str,
    round_number: int,
    slot: Slot,
    panel_format: str,
    location: str,
    panel: Sequence[Person],
) -> str:
    """Ready to paste into an email: when, how long, what kind, where, and who they'll meet."""
    lines = [
        f"Hi {_first_name(candidate_name)},",
        "",
        f"Thank you for your time so far. Here are the details of your round {round_number}"
        f" interview for the {role_title} role.",
        "",
        f"When: {format_slot(slot, slot.timezone)}",
        f"Duration: {slot.duration_minutes} minutes",
        f"Format: {FORMAT_LABELS.get(panel_format, panel_format)}",
        f"Where: {location}",
    ]
    prepare = _WHAT_TO_PREPARE.get(panel_format, "")
    if prepare:
        lines += ["", prepare]
    lines += ["", *who_they_meet(panel)]
    lines += ["", "If the time no longer works for you, just reply and we'll find another."]
    return "\n".join(lines)


def _first_name(candidate_name: str) -> str:
    return candidate_name.split()[0] if candidate_name.split() else candidate_name


def moved_message(
    *, candidate_name: str, role_title: str, round_number: int, slot: Slot, location: str
) -> str:
    """The recruiter's note to the candidate when the panel moves: the new time, and where."""
    return "\n".join(
        [
            f"Hi {_first_name(candidate_name)},",
            "",
            f"We've had to move your round {round_number} interview for the {role_title} role."
            " Here is the new time:",
            "",
            f"When: {format_slot(slot, slot.timezone)}",
            f"Duration: {slot.duration_minutes} minutes",
            f"Where: {location}",
            "",
            "Sorry for the change. If the new time doesn't work for you, just reply and we'll"
            " find another.",
        ]
    )


def cancelled_message(*, candidate_name: str, role_title: str, round_number: int) -> str:
    """The recruiter's note to the candidate when the panel is called off (no internal
    reason: that stays inside the team)."""
    return "\n".join(
        [
            f"Hi {_first_name(candidate_name)},",
            "",
            f"We need to cancel your round {round_number} interview for the {role_title} role."
            " I'm sorry for the short notice.",
            "",
            "I'll be in touch shortly about next steps.",
        ]
    )


def who_they_meet(panel: Sequence[Person]) -> list[str]:
    """Each panelist's name and title, as looked up when the message is written. Someone the
    directory could not name right now is counted, never shown by their internal ID."""
    named = [person for person in panel if person.known]
    others = len(panel) - len(named)
    if not named:
        return [f"You'll meet a panel of {len(panel)} from the team."]
    lines = ["You'll meet:", *(f"• {person.name_with_title()}" for person in named)]
    if others:
        lines.append(f"• and {others} more colleague{'s' if others != 1 else ''} from the team")
    return lines
