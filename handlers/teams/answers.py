"""Command answers as Adaptive Cards: usage, list, status, history, stalled."""

from __future__ import annotations

from bot.changes.actions import label as action_label
from bot.followup.labels import OUTCOME_LABELS, RECOMMENDATION_LABELS
from bot.followup.reports import HistoryEntry, PanelHistory, StalledCandidates
from bot.panels.notices import PanelSummary
from bot.panels.service import PanelListing
from bot.panels.status import AfterThePanel, PanelStatus
from bot.people import Person
from bot.prep.notices import PacketState
from bot.teams.cards import (
    Card,
    Element,
    bullets,
    card,
    heading,
    local_time,
    mention,
    note,
    open_dialog,
    plain,
    text,
)
from bot.teams.notices import blocker_text, summary_body

USAGE = [
    ("home", "your panels and what needs you, on a card that stays up to date"),
    ("new [candidate name]", "schedule a panel (opens a form)"),
    ("list", "your upcoming and recent panels"),
    ("status P-12", "readiness and details of one panel"),
    ("reschedule P-12", "move a panel to a new time"),
    ("cancel P-12", "cancel a panel; panelists are told"),
    ("stalled", "candidates waiting past an SLA"),
    ("history P-12", "who did what, when, on one panel"),
    ("help", "this message"),
]
MAX_HISTORY_LINES = 60
MAX_STALLED = 20


def usage(problem: str | None = None) -> Card:
    body: list[Element] = []
    if problem:
        body.append(text(f"⚠️ {plain(problem, 500)}"))
    body.append(heading("HireBot runs your interview panels"))
    body.append(text("Type one of these here (with or without a leading “panel”):"))
    body.append(text("\n".join(f"- **{command}**: {what}" for command, what in USAGE)))
    return card(body)


def listing(found: PanelListing, reader: Person) -> Card:
    def line(p) -> str:
        status = " · cancelled" if p.cancelled else ""
        return (
            f"**{p.reference}** {plain(p.candidate_name, 200)}, {plain(p.role_title, 200)}"
            f" (round {p.round_number}) · {local_time(p.starts_at, reader.tz)}{status}"
        )

    body: list[Element] = [heading("Your panels")]
    if not found.upcoming and not found.recent:
        body.append(text("No panels yet. Type **new** to schedule one."))
    body += bullets([line(p) for p in found.upcoming], "Upcoming")
    if found.more_upcoming:
        body.append(note(f"…and {found.more_upcoming} more upcoming."))
    body += bullets([line(p) for p in found.recent], "The last two weeks")
    return card(body)


def feedback_section(after: AfterThePanel | None) -> list[Element]:
    """Where the feedback stands, and what this reader may read of it
    (``bot.followup.visibility``): none of the others' before their own is in."""
    if after is None:
        return []
    reading = after.reading
    body: list[Element] = [text(f"**Feedback**: {reading.submitted} of {reading.expected} in")]
    if not reading.may_read_others:
        body.append(note("Yours first: the others' feedback shows once yours is in."))
    else:
        for f in reading.visible:
            label = RECOMMENDATION_LABELS.get(f.recommendation, f.recommendation)
            body.append(
                text(f"- {mention(f.author_id)}: {label}, {f.rating}/4. {plain(f.evidence, 600)}")
            )
    body += bullets([blocker_text(b) for b in after.blockers], "What the candidate waits for")
    return body


def status(report: PanelStatus, reader: Person) -> Card:
    states = {
        PacketState.OPEN: "not yet confirmed",
        PacketState.CONFIRMED: "✅ reviewed the materials",
        PacketState.DECLINED: "⛔ can't attend",
    }
    seats = [
        f"{mention(s.user_id)}: {states.get(s.state, s.state)}"
        f"{' · ' + str(s.planned_questions) + ' question(s) planned' if s.planned_questions else ''}"
        for s in report.readiness.seats
    ]
    summary = report.summary
    body = [heading(f"Status of {summary.reference}"), *summary_body(summary, reader)]
    body += bullets(seats, "Readiness")
    body += bullets([plain(w.text, 500) for w in report.warnings], "⚠️ Composition check")
    body += feedback_section(report.after)
    body += coverage_section(report)
    return card(body)


def coverage_section(report: PanelStatus) -> list[Element]:
    """For the panel's owners: planned questions by focus area, and the repeats left."""
    coverage = report.coverage
    if coverage is None:
        return []
    lines = []
    for area in coverage.areas:
        waiting = ", ".join(mention(u) for u in area.not_planned)
        line = f"{plain(area.focus, 100)}: {area.planned} question(s) planned"
        if area.overlaps:
            line += f", {area.overlaps} repeat(s)"
        if waiting:
            line += f"; no plan yet from {waiting}"
        lines.append(line)
    return bullets(lines, "Planned questions")


def change_prompt(summary: PanelSummary, what: str) -> Card:
    title = {"reschedule": "Move", "cancel": "Cancel"}[what]
    return card(
        [
            heading(f"{title} {summary.reference}?"),
            text(f"{plain(summary.candidate_name, 200)}, {plain(summary.role_title, 200)}"),
        ],
        [open_dialog(f"{title} {summary.reference}…", what, {"panel": summary.panel_id})],
    )


def schedule_prompt(candidate: str) -> Card:
    return card(
        [
            heading("Schedule a panel"),
            text("Open the form to set the candidate, the time and the panel."),
        ],
        [open_dialog("Schedule a panel…", "schedule", {"candidate": candidate[:200]})],
    )


def _detail(entry: HistoryEntry) -> str:
    """What an entry adds (only what the reader may read is left in ``detail``)."""
    d = entry.detail
    if entry.action == "excused" and d.get("panelist"):
        return f" ({mention(str(d['panelist']))})"
    if entry.action == "decided":
        outcome = OUTCOME_LABELS.get(str(d.get("outcome")), str(d.get("outcome")))
        reason = f": {plain(str(d['reason']), 200)}" if d.get("reason") else ""
        return f": **{outcome}**{reason}"
    if entry.action == "candidate_updated" and d.get("note"):
        return f": {plain(str(d['note']), 200)}"
    if entry.action == "cancelled" and d.get("reason"):
        return f": {plain(str(d['reason']), 200)}"
    return ""


def history(found: PanelHistory, reader: Person) -> Card:
    lines = [
        f"{local_time(e.at, reader.tz)} · {mention(e.actor_id)} {action_label(e.action)}{_detail(e)}"
        for e in found.entries
    ]
    shown = lines[-MAX_HISTORY_LINES:]
    body = [
        heading(f"History of {found.reference}"),
        text(f"{plain(found.candidate_name, 200)}, {plain(found.role_title, 200)}"),
        *bullets(shown),
    ]
    if len(lines) > len(shown):
        body.append(note(f"{len(lines) - len(shown)} earlier event(s) not shown."))
    return card(body)


def stalled(found: StalledCandidates, reader: Person) -> Card:
    body: list[Element] = [heading("Stalled candidates")]
    if not found.shown:
        body.append(text("Nobody is waiting past an SLA on your panels. 🎉"))
    for item in found.shown:
        progress = item.progress
        body.append(
            {
                "type": "Container",
                "separator": True,
                "items": [
                    text(
                        f"**{progress.reference}** {plain(progress.candidate_name, 200)}:"
                        f" {item.days_past} business day(s) past the update SLA"
                    ),
                    *bullets([blocker_text(b) for b in item.blockers]),
                ],
            }
        )
    if found.total > len(found.shown):
        body.append(note(f"…and {found.total - len(found.shown)} more."))
    return card(body)
