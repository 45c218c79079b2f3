"""Block Kit for messages: notices, command answers and the App Home.

Every time is shown in the reader's own time zone; all user text goes through ``safe``.
"""

from __future__ import annotations

from functools import singledispatch

from bot.panels.composition import CompositionWarning
from bot.panels.notices import PanelCancelled, PanelRescheduled, PanelScheduled, PanelSummary
from bot.panels.service import PanelLine, PanelListing
from bot.panels.vocabulary import FORMAT_LABELS, PERSPECTIVE_LABELS, focus_label
from bot.people import Person
from bot.platform import Notice
from bot.slack.blocks import (
    Block,
    context,
    divider,
    fields,
    header,
    preformatted,
    section,
)
from bot.slack.text import escape, link, local_time, mention, safe

MAX_MESSAGE_BLOCKS = 50

USAGE = [
    ("`/panel new [candidate name]`", "schedule a panel (opens a form)"),
    ("`/panel list`", "your upcoming and recent panels"),
    ("`/panel status P-12`", "readiness and details of one panel"),
    ("`/panel reschedule P-12`", "move a panel to a new time"),
    ("`/panel cancel P-12`", "cancel a panel; panelists are told"),
    ("`/panel stalled`", "candidates waiting past an SLA"),
    ("`/panel history P-12`", "who did what, when, on one panel"),
    ("`/panel help`", "this message"),
]

Rendered = tuple[str, list[Block]]


def usage(problem: str | None = None) -> Rendered:
    lines = "\n".join(f"{cmd}  {what}" for cmd, what in USAGE)
    blocks: list[Block] = []
    said = safe(problem, 500) if problem else ""  # plain text quoting what they typed
    if said:
        blocks.append(section(f":warning: {said}"))
    blocks.append(section(f"*HireBot runs your interview panels.*\n{lines}"))
    return (f"{said + ' ' if said else ''}Usage: /panel new | list | status | ..."), blocks


def _when(summary: PanelSummary, tz: str) -> str:
    slot = summary.slot
    return f"{local_time(slot.starts_at, tz)} · {slot.duration_minutes} min"


def panel_card(summary: PanelSummary, reader: Person) -> list[Block]:
    """The panel at a glance: when (in the reader's zone), where, who, and who runs it."""
    slot = summary.slot
    status = " · *CANCELLED*" if summary.cancelled else ""
    where = safe(summary.location, 500)
    resume = link(summary.resume_url, "Résumé") if summary.resume_url else "No résumé link yet"
    roster = "\n".join(
        f"• {mention(seat.person.id)}"
        f"{' — ' + safe(seat.person.title, 100) if seat.person.title else ''}:"
        f" {safe(focus_label(seat.focus_area, seat.focus_detail), 100)}"
        f" ({PERSPECTIVE_LABELS.get(seat.perspective, seat.perspective).lower()})"
        for seat in summary.seats
    )
    return [
        section(
            f"*{summary.reference}* · *{safe(summary.candidate_name, 200)}* for"
            f" *{safe(summary.role_title, 200)}* (round {summary.round_number}){status}"
        ),
        fields(
            f"*When*\n{_when(summary, reader.tz)}",
            f"*Format*\n{FORMAT_LABELS.get(summary.format, summary.format)}",
            f"*Where*\n{where}",
            f"*Résumé*\n{resume}",
            f"*Hiring manager*\n{mention(summary.hiring_manager.id)}",
            f"*Recruiter*\n{mention(summary.recruiter.id)}",
        ),
        section(f"*Panel*\n{roster}"),
        context(
            f"Coordinator {mention(summary.coordinator.id)} · arranged in {escape(slot.timezone)}"
        ),
    ]


def composition_blocks(warnings: tuple[CompositionWarning, ...] | list[CompositionWarning]):
    if not warnings:
        return [section(":white_check_mark: *Composition check:* the panel looks well balanced.")]
    lines = "\n".join(f"• {safe(w.text, 400)}" for w in warnings)
    return [
        section(f":warning: *Composition check* (worth a look; nothing is blocked)\n{lines}"),
    ]


@singledispatch
def render_notice(notice: Notice, reader: Person) -> Rendered:
    raise TypeError(f"no Slack rendering for {type(notice).__name__}")


@render_notice.register
def _(notice: PanelScheduled, reader: Person) -> Rendered:
    s = notice.summary
    blocks = [
        header(f"Panel {s.reference} scheduled"),
        *panel_card(s, reader),
        divider(),
        *composition_blocks(notice.warnings),
        divider(),
        section("*Message for the candidate* (ready to copy into your email)"),
        preformatted(notice.candidate_message),
        context(
            f"`/panel status {s.reference}` for readiness · `/panel reschedule {s.reference}`"
            f" · `/panel cancel {s.reference}`"
        ),
    ]
    text = f"Panel {s.reference} for {escape(s.candidate_name)} is scheduled for {_when(s, reader.tz)}."
    return text, blocks


@render_notice.register
def _(notice: PanelRescheduled, reader: Person) -> Rendered:
    s = notice.summary
    before = local_time(notice.previous.starts_at, reader.tz)
    who = "You" if notice.by.id == reader.id else mention(notice.by.id)
    text = (
        f"{who} moved {s.reference} ({escape(s.candidate_name)}) from {before} to"
        f" {_when(s, reader.tz)}."
    )
    blocks = [
        section(f":calendar: *Rescheduled:* {text}"),
        *panel_card(s, reader),
        *(composition_blocks(notice.warnings) if notice.warnings else []),
        *_for_the_candidate(notice.candidate_message),
    ]
    return text, blocks


def _for_the_candidate(message: str) -> list[Block]:
    """The recruiter's ready-to-send note, when the notice carries one."""
    if not message:
        return []
    return [
        section("*Message for the candidate* (ready to copy into your email)"),
        preformatted(message),
    ]


@render_notice.register
def _(notice: PanelCancelled, reader: Person) -> Rendered:
    s = notice.summary
    who = "You" if notice.by.id == reader.id else mention(notice.by.id)
    text = (
        f"{who} cancelled {s.reference}, {escape(s.candidate_name)}'s round {s.round_number} panel"
        f" on {local_time(s.slot.starts_at, reader.tz)}."
    )
    reason = f"\n>{safe(notice.reason, 500)}" if notice.reason else ""
    blocks = [section(f":x: *Cancelled:* {text}{reason}")]
    blocks += _for_the_candidate(notice.candidate_message)
    if notice.by.id != reader.id and not notice.candidate_message:
        blocks.append(context("Nothing to do: it's off your calendar as far as HireBot goes."))
    return text, blocks


def _line(panel: PanelLine, reader: Person) -> str:
    state = " · ~cancelled~" if panel.cancelled else ""
    return (
        f"*{panel.reference}* · {local_time(panel.starts_at, reader.tz)} ·"
        f" {safe(panel.candidate_name, 100)}, {safe(panel.role_title, 100)}"
        f" (round {panel.round_number}){state}"
    )


def listing(result: PanelListing, reader: Person) -> Rendered:
    if not result.upcoming and not result.recent:
        text = "You have no upcoming or recent panels. `/panel new` schedules one."
        return text, [section(text)]
    blocks: list[Block] = []
    if result.upcoming:
        lines = "\n".join(_line(p, reader) for p in result.upcoming)
        more = f"\n_…and {result.more_upcoming} more_" if result.more_upcoming else ""
        blocks.append(section(f"*Upcoming*\n{lines}{more}"))
    if result.recent:
        lines = "\n".join(_line(p, reader) for p in result.recent)
        blocks.append(section(f"*Last two weeks*\n{lines}"))
    blocks.append(context("`/panel status P-12` for one panel's details."))
    return f"{len(result.upcoming)} upcoming panel(s)", blocks


def status(
    summary: PanelSummary,
    warnings: list[CompositionWarning],
    reader: Person,
    *,
    readiness: list[Block] | None = None,
    followup: list[Block] | None = None,
) -> Rendered:
    """``readiness``: the prep section (``bot.slack.prep_messages.readiness_blocks``);
    ``followup``: where the panel stands after its end, in place of "not due yet"."""
    blocks = [*panel_card(summary, reader)]
    if not summary.cancelled:
        if readiness is None:
            lines = "\n".join(
                f"• {mention(seat.person.id)}: not confirmed yet" for seat in summary.seats
            )
            readiness = [section(f"*Readiness*\n{lines}")]
        blocks += [
            *readiness,
            *(
                followup
                or [section("*Feedback:* not due until the panel ends · *Decision:* pending")]
            ),
            *composition_blocks(warnings),
        ]
    return f"{summary.reference}: {escape(summary.candidate_name)}", blocks
