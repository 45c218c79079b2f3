"""Block Kit for the answers to ``/panel`` commands: usage, ``list``, ``status``, ``stalled``
and ``history``, each from the core's plain data.

Every time is shown in the reader's own time zone; all user text goes through ``safe``.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from datetime import datetime

from bot.changes.actions import label as action_label
from bot.followup.labels import OUTCOME_LABELS
from bot.followup.progress import BlockerKind, Stage
from bot.followup.reports import HistoryEntry, PanelHistory, StalledCandidates
from bot.panels.notices import PanelSummary
from bot.panels.service import PanelLine, PanelListing
from bot.panels.status import AfterThePanel, PanelStatus
from bot.people import Person
from bot.prep.notices import PacketState, PanelReadiness
from bot.questions.overlap import Coverage
from bot.slack import ids
from bot.slack.blocks import Block, button, context, divider, section
from bot.slack.memo import per_report
from bot.slack.pieces import (
    blocker_text,
    composition_blocks,
    feedback_section,
    panel_card,
    quote,
    source,
)
from bot.slack.render import MAX_MESSAGE_BLOCKS, Rendered
from bot.slack.text import bullets, escape, link, local_time, mention, plural, safe

MAX_HISTORY_LINES = 40
MAX_OVERLAPS_SHOWN = 10

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


def usage(problem: str | None = None) -> Rendered:
    lines = "\n".join(f"{cmd}  {what}" for cmd, what in USAGE)
    blocks: list[Block] = []
    said = safe(problem, 500) if problem else ""  # plain text quoting what they typed
    if said:
        blocks.append(section(f":warning: {said}"))
    blocks.append(section(f"*HireBot runs your interview panels.*\n{lines}"))
    return (f"{said + ' ' if said else ''}Usage: /panel new | list | status | ..."), blocks


# ------------------------------------------------------------------ /panel list


def _line(panel: PanelLine, reader: Person) -> str:
    state = " · ~cancelled~" if panel.cancelled else ""
    return (
        f"*{panel.reference}* · {local_time(panel.starts_at, reader.tz)} ·"
        f" {safe(panel.candidate_name, 100)}, {safe(panel.role_title, 100)}"
        f" (round {panel.round_number}){state}"
    )


@per_report
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


# ------------------------------------------------------------------ /panel status


def status(report: PanelStatus, reader: Person, origin: list[Block] | None = None) -> Rendered:
    """``/panel status``: the panel card; while it is on, each panelist's readiness, where it
    stands after its end (or that feedback is not due yet) and the composition check; the
    questions planned per focus area for its owners; and, for a panel from the ATS,
    ``origin`` (:func:`ats_origin`) when it fits."""
    text, blocks = _status(report, reader)
    if origin and len(blocks) + len(origin) <= MAX_MESSAGE_BLOCKS:
        blocks += origin
    return text, blocks


@per_report
def _status(report: PanelStatus, reader: Person) -> Rendered:
    summary = report.summary
    blocks = [*panel_card(summary, reader)]
    if not summary.cancelled:
        after = _after_the_panel(summary, report.after, reader) if report.after is not None else []
        blocks += [
            *_readiness(report.readiness),
            *(after or [section("*Feedback:* not due until the panel ends · *Decision:* pending")]),
            *composition_blocks(report.warnings),
        ]
    if report.coverage is not None:
        blocks += _coverage(report.coverage)
    return f"{summary.reference}: {escape(summary.candidate_name)}", blocks


def _readiness(readiness: PanelReadiness) -> list[Block]:
    """Each panelist's readiness and question planning: its own section of ``/panel status``."""
    lines = []
    for seat in readiness.seats:
        if seat.state == PacketState.DECLINED:
            reason = f": “{safe(seat.decline_reason, 200)}”" if seat.decline_reason else ""
            state = f":no_entry: declined{reason}"
        elif seat.state == PacketState.CONFIRMED:
            state = ":white_check_mark: confirmed"
        else:
            state = ":hourglass: not confirmed yet" + (
                "" if seat.packet_sent else " (packet on its way)"
            )
        planned = (
            f"{seat.planned_questions} question{'s' if seat.planned_questions != 1 else ''} planned"
            if seat.planned_questions
            else "no questions planned"
        )
        lines.append(f"{mention(seat.user_id)}: {state} · {planned}")
    return [section(bullets(lines, "*Readiness*"))]


STAGE_LABELS = {
    Stage.UPCOMING: "not ended yet",
    Stage.FEEDBACK: "waiting for feedback",
    Stage.DECISION: "waiting for the decision",
    Stage.CANDIDATE_UPDATE: "decided; the candidate is to be told",
    Stage.CLOSED: "decided and the candidate told",
    Stage.CANCELLED: "cancelled",
}


def _after_the_panel(summary: PanelSummary, after: AfterThePanel, reader: Person) -> list[Block]:
    """The after-the-panel part of ``/panel status``: stage, blockers, feedback the reader
    may see, and an Excuse button next to each missing name for owners."""
    progress, reading, now_stage = after.progress, after.reading, after.stage
    blocks: list[Block] = [
        divider(),
        section(
            f"*After the panel:* {STAGE_LABELS[now_stage]} · feedback"
            f" {reading.submitted}/{reading.expected} in"
        ),
    ]
    for b in after.blockers:
        if b.kind is BlockerKind.FEEDBACK and after.may_excuse:
            blocks.append(
                section(
                    f"• {blocker_text(b)}",
                    accessory=button(
                        "Excuse", ids.FEEDBACK_EXCUSE, f"{summary.panel_id}:{b.owner_id}"
                    ),
                )
            )
        else:
            blocks.append(section(f"• {blocker_text(b)}"))
    if progress.decision is not None:
        d = progress.decision
        blocks.append(
            section(
                f"*Decision:* {OUTCOME_LABELS.get(d.outcome, d.outcome)} by"
                f" {mention(d.decided_by)}, {local_time(d.decided_at, reader.tz)}"
                + (f"\n>{safe(d.reason, 500)}" if d.reason and reading.may_read_others else "")
            )
        )
    room = MAX_MESSAGE_BLOCKS - 12 - len(blocks)
    for line in reading.visible[: max(room, 0)]:
        blocks.append(feedback_section(line))
    if not reading.may_read_others and reading.submitted > len(reading.visible):
        blocks.append(context("Others' feedback is shown to you once you've submitted yours."))
    return blocks


def _coverage(result: Coverage) -> list[Block]:
    """``/panel status``: what each focus area has planned, and the repeats left."""
    lines = []
    for area in result.areas:
        who = ", ".join(mention(u) for u in area.panelist_ids)
        if not area.planned:
            state = "no questions planned yet"
        else:
            state = f"{area.planned} question{'s' if area.planned != 1 else ''} planned"
            if area.not_planned:
                state += f" ({', '.join(mention(u) for u in area.not_planned)} not yet)"
            if area.overlaps:
                state += f" · :warning: {area.overlaps} repeat{'s' if area.overlaps != 1 else ''}"
        lines.append(f"• *{safe(area.focus, 100)}* ({who}): {state}")
    blocks: list[Block] = [section("*Planned questions by focus area*\n" + "\n".join(lines))]
    if result.overlaps:
        shown = result.overlaps[:MAX_OVERLAPS_SHOWN]
        flagged = "\n".join(
            f"• {mention(o.planner_id)}: {quote(o.question)} repeats {source(o)}" for o in shown
        )
        more = len(result.overlaps) - len(shown)
        tail = f"\n_…and {more} more_" if more else ""
        blocks.append(section(f":warning: *Overlaps left*\n{flagged}{tail}"))
    elif result.anything_planned:
        blocks.append(
            context(
                ":white_check_mark: No planned question repeats an earlier round or another panelist."
            )
        )
    return blocks


def ats_origin(
    ats: str, candidate_url: str, unmatched: Sequence[str], updated_at: datetime, reader: Person
) -> list[Block]:
    """For a panel that came from the ATS: where from, when it last changed there, and who it
    named that chat does not know (left off the panel)."""
    where = f"From {safe(ats, 40)}" + (
        f" · {link(candidate_url, f'open in {ats}')}" if candidate_url else ""
    )
    text = f"{where} · last change there {local_time(updated_at, reader.tz)}"
    if unmatched:
        text += " · not found in chat: " + ", ".join(safe(u, 120) for u in unmatched[:5])
    return [context(text)]


# ------------------------------------------------------------------ /panel stalled

#: Candidates ``/panel stalled`` lists; the rest are counted.
STALLED_SHOWN = MAX_MESSAGE_BLOCKS - 2


@per_report
def stalled(found: StalledCandidates, reader: Person) -> Rendered:
    """``/panel stalled``: each stalled candidate, how late, and what blocks, by name."""
    if not found.total:
        text = "No candidate is waiting past an SLA on your panels."
        return text, [section(f":white_check_mark: {text}")]
    blocks: list[Block] = [section(f"*{found.total} candidate(s) waiting past an SLA*")]
    for c in found.shown[:STALLED_SHOWN]:
        progress, days = c.progress, c.days_past
        late = (
            f"{plural(days, 'business day')} past the update deadline" if days else "update due now"
        )
        what = "; ".join(blocker_text(x) for x in c.blockers) or "nothing internal: tell them"
        blocks.append(
            section(
                f"*{progress.reference}* · {safe(progress.candidate_name, 100)},"
                f" {safe(progress.role_title, 100)} — last heard from us"
                f" {local_time(progress.clock_started_at, reader.tz)} ({late})\n{what}"
            )
        )
    if found.total > STALLED_SHOWN:
        blocks.append(context(f"…and {found.total - STALLED_SHOWN} more."))
    return f"{found.total} stalled candidate(s)", blocks


# ------------------------------------------------------------------ /panel history


def _event_detail(event: HistoryEntry) -> str:
    """What the entry adds to its line; reasons and notes the reader may not read were left
    out of it by the core (``bot.followup.reports``). A change that came from an ATS says so
    ("in Ashby")."""
    d = event.detail
    if d.get("via"):
        rest = _event_detail(
            dataclasses.replace(event, detail={k: v for k, v in d.items() if k != "via"})
        )
        return f" in {safe(str(d['via']), 40)}{rest}"
    if event.action == "excused" and d.get("panelist"):
        return f" ({mention(str(d['panelist']))})"
    if event.action == "decided":
        outcome = OUTCOME_LABELS.get(str(d.get("outcome")), str(d.get("outcome")))
        reason = f": {safe(str(d['reason']), 200)}" if d.get("reason") else ""
        return f" — *{outcome}*{reason}"
    if event.action == "candidate_updated" and d.get("note"):
        return f": {safe(str(d['note']), 200)}"
    if event.action == "cancelled" and d.get("reason"):
        return f": {safe(str(d['reason']), 200)}"
    return ""


@per_report
def history(found: PanelHistory, reader: Person) -> Rendered:
    """``/panel history``: who did what when, in the reader's zone, oldest first."""
    events = found.entries
    lines = [
        f"• {local_time(e.at, reader.tz)} · {mention(e.actor_id)}"
        f" {action_label(e.action)}{_event_detail(e)}"
        for e in events
    ]
    shown = lines[-MAX_HISTORY_LINES:]
    more = len(lines) - len(shown)
    blocks: list[Block] = [
        section(
            f"*History of {found.reference}* · {safe(found.candidate_name, 200)},"
            f" {safe(found.role_title, 200)}"
        )
    ]
    # One section holds at most 3,000 characters: split the lines across sections.
    chunk: list[str] = []
    for line in shown:
        if sum(len(x) + 1 for x in chunk) + len(line) > 2900:
            blocks.append(section("\n".join(chunk)))
            chunk = []
        chunk.append(line)
    if chunk:
        blocks.append(section("\n".join(chunk)))
    if more:
        blocks.append(context(f"{more} earlier event(s) not shown."))
    return f"History of {found.reference}: {len(events)} event(s)", blocks[:MAX_MESSAGE_BLOCKS]
