"""The calendar invite attached to each prep packet (RFC 5545, via the icalendar library).

One UID per panel, so a calendar treats a reschedule as an update of the same event (a higher
SEQUENCE) and a cancellation (METHOD:CANCEL) as removing it. The candidate's name appears only
in the DESCRIPTION: a SUMMARY is what calendars show to anyone who can see one's free/busy
details, and the candidate's name should not travel that far.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta

from icalendar import Calendar, Event, vCalAddress, vText

from bot.panels.labels import FORMAT_LABELS
from bot.panels.notices import PanelBrief
from bot.people import Person

PRODID = "-//HireBot//Interview panels//EN"
UID_DOMAIN = "hirebot.invalid"


def panel_uid(panel_id: int) -> str:
    return f"panel-{panel_id}@{UID_DOMAIN}"


def address(person: Person) -> vCalAddress:
    """A calendar address for a chat user (HireBot does not read e-mail addresses)."""
    cal = vCalAddress(f"urn:x-hirebot:user:{person.id}")
    cal.params["CN"] = vText(person.name or person.id)
    return cal


def summary_line(brief: PanelBrief) -> str:
    """What calendars show at a glance: the role and the round, never the candidate."""
    return f"Interview panel {brief.reference}: {brief.role_title} (round {brief.round_number})"


def build_invite(
    brief: PanelBrief,
    *,
    organizer: Person,
    attendees: Sequence[Person],
    sequence: int,
    cancelled: bool,
    stamp: datetime,
) -> bytes:
    """The .ics bytes of the panel's event: a REQUEST, or a CANCEL of the same UID."""
    cal = Calendar()
    cal.add("prodid", PRODID)
    cal.add("version", "2.0")
    cal.add("method", "CANCEL" if cancelled else "REQUEST")
    event = Event()
    event.add("uid", panel_uid(brief.panel_id))
    event.add("sequence", sequence)
    event.add("dtstamp", stamp)
    event.add("dtstart", brief.slot.starts_at)
    event.add("dtend", brief.slot.starts_at + timedelta(minutes=brief.slot.duration_minutes))
    event.add("summary", summary_line(brief))
    event.add("status", "CANCELLED" if cancelled else "CONFIRMED")
    if brief.location:
        event.add("location", brief.location)
    lines = [
        f"Candidate: {brief.candidate_name}",
        f"Role: {brief.role_title} (round {brief.round_number})",
        f"Format: {FORMAT_LABELS.get(brief.format, brief.format)}",
    ]
    if brief.resume_url:
        lines.append(f"Résumé: {brief.resume_url}")
    lines.append("Your prep packet is in your HireBot DMs.")
    event.add("description", "\n".join(lines))
    event.add("organizer", address(organizer))
    for person in attendees:
        attendee = address(person)
        attendee.params["ROLE"] = vText("REQ-PARTICIPANT")
        attendee.params["PARTSTAT"] = vText("NEEDS-ACTION")
        event.add("attendee", attendee, encode=False)
    cal.add_component(event)
    content: bytes = cal.to_ical()
    return content


def invite_filename(brief: PanelBrief, cancelled: bool) -> str:
    return f"{brief.reference}-{'cancelled' if cancelled else 'invite'}.ics"
