"""Block Kit pieces more than one surface shows: the panel's heading in its three forms (the
one-line headline, the logistics, the full card), the composition check, a blocker in words,
one panelist's feedback, and what a planned question repeats.

Each is built from core data only. A piece one surface alone shows stays with that surface.
"""

from __future__ import annotations

from collections.abc import Sequence

from bot.followup.labels import RECOMMENDATION_LABELS
from bot.followup.notices import FeedbackLine
from bot.followup.progress import Blocker, BlockerKind
from bot.panels.composition import CompositionWarning
from bot.panels.labels import FORMAT_LABELS, PERSPECTIVE_LABELS, focus_label
from bot.panels.notices import PanelBrief, PanelSummary
from bot.panels.request import Slot
from bot.people import Person
from bot.questions.overlap import Overlap
from bot.slack.blocks import Block, context, fields, section
from bot.slack.text import escape, link, local_time, mention, plural, safe

EVIDENCE_EXCERPT = 700
QUESTION_CHARS = 150  # how much of a question a flag or listing quotes


# ------------------------------------------------------------------ the panel's heading
def headline(brief: PanelBrief) -> str:
    """``*P-12* · *Ada Lovelace* for *Data Engineer* (round 2)``."""
    return (
        f"*{brief.reference}* · *{safe(brief.candidate_name, 200)}* for"
        f" *{safe(brief.role_title, 200)}* (round {brief.round_number})"
    )


def when(slot: Slot, tz: str) -> str:
    """``Tue 1 Dec 2026, 10:00 EST (60 min)``: when a panel is, as reminders put it."""
    return f"{local_time(slot.starts_at, tz)} ({slot.duration_minutes} min)"


def logistics(brief: PanelBrief, reader: Person) -> Block:
    """When (in the reader's zone), the format, where, and the résumé."""
    resume = (
        link(brief.resume_url, "Open the résumé")
        if brief.resume_url
        else "No résumé link yet: ask the coordinator"
    )
    return fields(
        f"*When* (your time)\n{when(brief.slot, reader.tz)}",
        f"*Format*\n{FORMAT_LABELS.get(brief.format, brief.format)}",
        f"*Where*\n{safe(brief.location, 500) or 'not set'}",
        f"*Résumé*\n{resume}",
    )


def card_when(slot: Slot, tz: str) -> str:
    """``Tue 1 Dec 2026, 10:00 EST · 60 min``: when a panel is, as its card puts it."""
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
            f"*When*\n{card_when(slot, reader.tz)}",
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


def composition_blocks(warnings: Sequence[CompositionWarning]) -> list[Block]:
    """The composition check: advice, never a block."""
    if not warnings:
        return [section(":white_check_mark: *Composition check:* the panel looks well balanced.")]
    lines = "\n".join(f"• {safe(w.text, 400)}" for w in warnings)
    return [
        section(f":warning: *Composition check* (worth a look; nothing is blocked)\n{lines}"),
    ]


# ------------------------------------------------------------------ after the panel
def blocker_text(blocker: Blocker) -> str:
    """``feedback missing from @Pat, 2 business days overdue``."""
    who = mention(blocker.owner_id)
    if blocker.kind is BlockerKind.FEEDBACK:
        text = f"feedback missing from {who}"
    elif blocker.kind is BlockerKind.DECISION:
        text = f"decision pending with {who}"
        if blocker.note:
            text += f" ({safe(blocker.note, 300)})"
    else:
        text = f"candidate not yet told by {who}"
        if blocker.note:
            text += f" ({safe(blocker.note, 100)})"
    if blocker.overdue:
        text += f", {plural(blocker.days_overdue, 'business day')} overdue"
    return text


def feedback_section(line: FeedbackLine) -> Block:
    """One panelist's feedback: who, their focus, their recommendation and rating, and the
    evidence (cut to an excerpt) and concerns."""
    recommendation = RECOMMENDATION_LABELS.get(line.recommendation, line.recommendation)
    focus = focus_label(line.focus_area, line.focus_detail)
    evidence = "\n".join(f">{x}" for x in safe(line.evidence, EVIDENCE_EXCERPT).splitlines())
    concerns = f"\n*Concerns:* {safe(line.concerns, 400)}" if line.concerns.strip() else ""
    return section(
        f"{mention(line.author_id)} · {safe(focus, 100)} · *{recommendation}* · {line.rating}/4"
        f"\n{evidence}{concerns}"
    )


# ------------------------------------------------------------------ planned questions
def quote(question: str) -> str:
    return f"“{safe(question, QUESTION_CHARS)}”"


def source(overlap: Overlap) -> str:
    """What a flagged question repeats, in words: round 1's question or someone's plan, and
    how sure HireBot is ("likely, 82%; both ask about the start date")."""
    if overlap.panelist_id is not None:
        where = f"{mention(overlap.panelist_id)}'s plan: {quote(overlap.repeats)}"
    else:
        where = f"round {overlap.round_number}: {quote(overlap.repeats)}"
    topic = f"; both ask about {overlap.topic}" if overlap.topic else ""
    return f"{where} _({overlap.confidence}, {overlap.score:.0%}{topic})_"
