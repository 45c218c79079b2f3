"""Block Kit for after the panel: feedback asks, escalations, the decision summary, the
candidate-update clock, ``/panel stalled`` and ``/panel history``, and their modals.

Registered on ``bot.slack.messages.render_notice`` (importing this module is enough; the Slack
platform does). All user text goes through ``safe``; times are in the reader's zone.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

from bot.changes.actions import label as action_label
from bot.followup import visibility
from bot.followup.notices import (
    CandidateUpdateAsk,
    CandidateWaiting,
    DecisionAsk,
    FeedbackAsk,
    FeedbackEscalation,
    FeedbackLine,
)
from bot.followup.progress import Blocker, BlockerKind, PanelProgress, Stage
from bot.followup.service import FeedbackReading
from bot.followup.vocabulary import (
    OUTCOME_LABELS,
    RATING_LABELS,
    RECOMMENDATION_LABELS,
)
from bot.models import AuditEvent, DecisionOutcome, Feedback, Panel
from bot.panels import bounds
from bot.panels.notices import PanelBrief
from bot.panels.request import MAX_LONG_TEXT
from bot.panels.vocabulary import focus_label
from bot.people import Person
from bot.slack import ids
from bot.slack.blocks import (
    Block,
    actions,
    button,
    context,
    divider,
    header,
    input_block,
    modal,
    option,
    plain,
    preformatted,
    section,
)
from bot.slack.messages import MAX_MESSAGE_BLOCKS, Rendered, render_notice
from bot.slack.text import escape, local_time, mention, safe, truncate

EVIDENCE_EXCERPT = 700
MAX_HISTORY_LINES = 40


def _headline(brief: PanelBrief) -> str:
    return (
        f"*{brief.reference}* · *{safe(brief.candidate_name, 200)}* for"
        f" *{safe(brief.role_title, 200)}* (round {brief.round_number})"
    )


def _days(n: int, business: bool = True) -> str:
    unit = "business day" if business else "day"
    return f"{n} {unit}{'s' if n != 1 else ''}"


def blocker_text(blocker: Blocker, business: bool = True) -> str:
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
        text += f", {_days(blocker.days_overdue, business)} overdue"
    return text


# --------------------------------------------------------------------------- notices


@render_notice.register
def _(notice: FeedbackAsk, reader: Person) -> Rendered:
    b = notice.brief
    focus = safe(focus_label(notice.focus_area, notice.focus_detail), 200)
    lead = "Reminder: your feedback" if notice.reminder else "Your feedback, please"
    text = (
        f"{lead} on {b.reference}, {escape(b.candidate_name)}'s interview for"
        f" {escape(b.role_title)}."
    )
    blocks: list[Block] = [
        section(f":memo: *{lead}* — {_headline(b)}\nYour focus was *{focus}*."),
        section(
            "Your recommendation, a rating on your focus, the evidence behind it, any concerns,"
            " and the questions you actually asked (the next round won't repeat them)."
        ),
        actions(button("Submit feedback", ids.FEEDBACK_OPEN, str(b.panel_id), style="primary")),
        context(
            "You'll see the other panelists' feedback once yours is in."
            " You can edit yours until the hiring manager decides."
        ),
    ]
    return text, blocks


@render_notice.register
def _(notice: FeedbackEscalation, reader: Person) -> Rendered:
    b = notice.brief
    count = len(notice.missing)
    text = (
        f"{b.reference} ({escape(b.candidate_name)}): feedback missing from {count}"
        f" panelist{'s' if count != 1 else ''}."
    )
    blocks: list[Block] = [section(f":warning: *Feedback missing* — {_headline(b)}")]
    for missing in notice.missing[: MAX_MESSAGE_BLOCKS - 3]:
        late = f", {_days(missing.days_overdue)} overdue" if missing.days_overdue else ""
        blocks.append(
            section(
                f"• {mention(missing.user_id)}{late}",
                accessory=button("Excuse", ids.FEEDBACK_EXCUSE, f"{b.panel_id}:{missing.user_id}"),
            )
        )
    blocks.append(
        context(
            "Nudge them, or excuse someone who can't give feedback (left early, replaced):"
            " the decision is asked for once the rest is in."
        )
    )
    return text, blocks


def feedback_line_blocks(line: FeedbackLine | Feedback, focus: str) -> Block:
    recommendation = RECOMMENDATION_LABELS.get(line.recommendation, line.recommendation)
    author = line.author_id
    evidence = "\n".join(f">{x}" for x in safe(line.evidence, EVIDENCE_EXCERPT).splitlines())
    concerns = f"\n*Concerns:* {safe(line.concerns, 400)}" if line.concerns.strip() else ""
    return section(
        f"{mention(author)} · {safe(focus, 100)} · *{recommendation}* · {line.rating}/4"
        f"\n{evidence}{concerns}"
    )


@render_notice.register
def _(notice: DecisionAsk, reader: Person) -> Rendered:
    b = notice.brief
    tally = ", ".join(
        f"{RECOMMENDATION_LABELS.get(x.recommendation, x.recommendation)}" for x in notice.lines
    )
    lead = "Decision reminder" if notice.reminder else "Ready for your decision"
    text = f"{lead}: {b.reference}, {escape(b.candidate_name)} ({tally or 'no feedback'})."
    blocks: list[Block] = [header(f"{lead}: {b.reference}"), section(_headline(b))]
    if notice.on_hold:
        blocks.append(section(f":pause_button: On hold: {safe(notice.on_hold, 500)}"))
    room = MAX_MESSAGE_BLOCKS - 8
    for line in notice.lines[:room]:
        blocks.append(feedback_line_blocks(line, focus_label(line.focus_area, line.focus_detail)))
    if not notice.lines:
        blocks.append(section("No feedback was given."))
    if notice.excused:
        blocks.append(context("Excused: " + ", ".join(mention(u) for u in notice.excused)))
    if notice.missing:
        blocks.append(context("Still missing: " + ", ".join(mention(u) for u in notice.missing)))
    blocks.append(
        actions(
            *(
                button(
                    OUTCOME_LABELS[o],
                    ids.DECISION_OPEN,
                    f"{b.panel_id}:{o.value}",
                    style="primary" if o is DecisionOutcome.OFFER else None,
                )
                for o in (
                    DecisionOutcome.ADVANCE,
                    DecisionOutcome.OFFER,
                    DecisionOutcome.REJECT,
                    DecisionOutcome.HOLD,
                )
            )
        )
    )
    blocks.append(context("Each asks for a short reason. Hold keeps the decision open."))
    return truncate(text, 3000), blocks


@render_notice.register
def _(notice: CandidateUpdateAsk, reader: Person) -> Rendered:
    b = notice.brief
    outcome = OUTCOME_LABELS.get(notice.outcome, notice.outcome)
    text = (
        f"{b.reference}: {mention(notice.decided_by)} decided *{outcome}* for"
        f" {escape(b.candidate_name)}. Please update the candidate."
    )
    reason = f"\n>{safe(notice.reason, 500)}" if notice.reason else ""
    blocks: list[Block] = [
        section(f":speech_balloon: *Time to update the candidate* — {_headline(b)}"),
        section(f"{mention(notice.decided_by)} decided *{outcome}*.{reason}"),
        *(
            [
                section("*A holding message for the candidate* (edit and send it yourself)"),
                preformatted(notice.holding_message),
            ]
            if notice.holding_message
            else []
        ),
        actions(
            button(
                "I've updated the candidate",
                ids.CANDIDATE_UPDATED_OPEN,
                str(b.panel_id),
                style="primary",
            )
        ),
        context("Only telling the candidate stops their clock; internal steps don't."),
    ]
    return text, blocks


@render_notice.register
def _(notice: CandidateWaiting, reader: Person) -> Rendered:
    b = notice.brief
    late = _days(notice.days_overdue) + " past" if notice.days_overdue else "at"
    text = (
        f"{escape(b.candidate_name)} ({b.reference}) hasn't heard from us since"
        f" {local_time(notice.since, reader.tz)}: {late} the update deadline."
    )
    what = "\n".join(f"• {blocker_text(x)}" for x in notice.blockers) or "• nothing internal"
    lead = (
        ":rotating_light: *Stalled candidate*"
        if notice.escalation
        else ":hourglass: *Candidate waiting*"
    )
    blocks: list[Block] = [
        section(f"{lead} — {_headline(b)}\n{text}"),
        section(f"*What blocks*\n{what}"),
    ]
    if notice.escalation:
        blocks.append(
            context(
                f"Recruiter {mention(notice.recruiter_id)} and hiring manager"
                f" {mention(notice.hiring_manager_id)} have been nudged daily."
            )
        )
    if reader.id == notice.recruiter_id:
        if notice.holding_message:
            blocks += [
                section("*A holding message for the candidate* (edit and send it yourself)"),
                preformatted(notice.holding_message),
            ]
        blocks.append(
            actions(
                button(
                    "I've updated the candidate",
                    ids.CANDIDATE_UPDATED_OPEN,
                    str(b.panel_id),
                    style="primary",
                )
            )
        )
    return truncate(text, 3000), blocks


# --------------------------------------------------------------------------- modals


def _text_input(
    initial: str = "",
    *,
    multiline: bool = True,
    placeholder: str = "",
    max_length: int = MAX_LONG_TEXT,
) -> dict:
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


def _select(labels: dict[str, str], initial: str | None) -> dict[str, Any]:
    element: dict[str, Any] = {
        "type": "static_select",
        "placeholder": plain("Choose…", 150),
        "options": [option(label, value) for value, label in labels.items()],
    }
    if initial in labels:
        element["initial_option"] = option(labels[initial], initial)
    return element


def feedback_modal(panel: Panel, focus: str, existing: Feedback | None) -> dict[str, Any]:
    """Recommendation, rating on the focus area, evidence, concerns, questions asked."""
    blocks: list[Block] = [
        section(
            f"*{panel.reference}* · {safe(panel.candidate.name, 200)} for"
            f" {safe(panel.role.title, 200)}\nYour focus: *{safe(focus, 200)}*"
        ),
        input_block(
            "recommendation",
            "Recommendation",
            _select(RECOMMENDATION_LABELS, existing.recommendation if existing else None),
        ),
        input_block(
            "rating",
            f"Rating on {truncate(focus, 100)}",
            _select(RATING_LABELS, str(existing.rating) if existing else None),
        ),
        input_block(
            "evidence",
            "Evidence",
            _text_input(existing.evidence if existing else "", placeholder="What you saw or heard"),
            hint="Concrete examples from the interview; the hiring manager sees this.",
        ),
        input_block(
            "concerns",
            "Concerns",
            _text_input(existing.concerns if existing else ""),
            optional=True,
        ),
        input_block(
            "questions_asked",
            "Questions you actually asked",
            _text_input("\n".join(existing.questions_asked) if existing else ""),
            optional=True,
            hint="One per line. A later round sees them as “covered already”.",
        ),
        context("Other panelists' feedback is shown to you after you submit yours."),
    ]
    return modal(
        "Edit feedback" if existing else "Feedback",
        blocks,
        callback_id=ids.FEEDBACK_SUBMIT,
        submit="Save" if existing else "Submit",
        private_metadata=json.dumps({"panel": panel.id}),
    )


def decision_modal(panel: Panel, outcome: str | None, missing: Sequence[str]) -> dict[str, Any]:
    """The reason for ``outcome``; without one, the decision is chosen in the modal too."""
    label = OUTCOME_LABELS.get(outcome, outcome) if outcome else "Decision"
    note = (
        f"\n:warning: Feedback still missing from {', '.join(mention(u) for u in missing)}."
        if missing
        else ""
    )
    hold = " A hold keeps the decision open; you'll be asked again." if outcome == "hold" else ""
    blocks: list[Block] = [
        section(
            f"*{label}* for *{safe(panel.candidate.name, 200)}* ({panel.reference},"
            f" {safe(panel.role.title, 200)}).{hold}{note}"
        ),
        input_block(
            "reason",
            "Reason",
            _text_input(
                placeholder="A sentence or two for the recruiter and the record",
                max_length=bounds.DECISION_REASON.max_length,
            ),
        ),
        context("The recruiter is asked to update the candidate next."),
    ]
    if outcome is None:
        blocks.insert(1, input_block("outcome", "Decision", _select(OUTCOME_LABELS, None)))
    meta: dict[str, Any] = {"panel": panel.id, **({"outcome": outcome} if outcome else {})}
    return modal(
        truncate(f"{label}: {panel.reference}", 24),
        blocks,
        callback_id=ids.DECISION_SUBMIT,
        submit="Record",
        private_metadata=json.dumps(meta),
    )


def candidate_updated_modal(panel: Panel) -> dict[str, Any]:
    blocks: list[Block] = [
        section(
            f"What did you tell *{safe(panel.candidate.name, 200)}* ({panel.reference})?"
            " This resets their update clock."
        ),
        input_block(
            "note",
            "What you told them",
            _text_input(placeholder="e.g. Called her: offer coming Friday"),
        ),
    ]
    return modal(
        "Candidate updated",
        blocks,
        callback_id=ids.CANDIDATE_UPDATED_SUBMIT,
        submit="Save",
        private_metadata=json.dumps({"panel": panel.id}),
    )


# --------------------------------------------------------------------------- command answers

STAGE_LABELS = {
    Stage.UPCOMING: "not ended yet",
    Stage.FEEDBACK: "waiting for feedback",
    Stage.DECISION: "waiting for the decision",
    Stage.CANDIDATE_UPDATE: "decided; the candidate is to be told",
    Stage.CLOSED: "decided and the candidate told",
    Stage.CANCELLED: "cancelled",
}


#: Candidates ``/panel stalled`` lists; the rest are counted.
STALLED_SHOWN = MAX_MESSAGE_BLOCKS - 2


def stalled(
    found: Sequence[tuple[PanelProgress, list[Blocker], int]],
    reader: Person,
    *,
    total: int | None = None,
) -> Rendered:
    """``/panel stalled``: each stalled candidate, how late, and what blocks, by name.

    ``total``: how many are stalled when ``found`` holds only the first ones (at least
    ``STALLED_SHOWN`` of them); by default, ``found`` is all of them."""
    total = len(found) if total is None else total
    if not total:
        text = "No candidate is waiting past an SLA on your panels."
        return text, [section(f":white_check_mark: {text}")]
    blocks: list[Block] = [section(f"*{total} candidate(s) waiting past an SLA*")]
    for progress, blockers, days in found[:STALLED_SHOWN]:
        late = f"{_days(days)} past the update deadline" if days else "update due now"
        what = "; ".join(blocker_text(x) for x in blockers) or "nothing internal: tell them"
        blocks.append(
            section(
                f"*{progress.reference}* · {safe(progress.candidate_name, 100)},"
                f" {safe(progress.role_title, 100)} — last heard from us"
                f" {local_time(progress.clock_started_at, reader.tz)} ({late})\n{what}"
            )
        )
    if total > STALLED_SHOWN:
        blocks.append(context(f"…and {total - STALLED_SHOWN} more."))
    return f"{total} stalled candidate(s)", blocks


def _event_detail(event: AuditEvent, assessments: bool) -> str:
    """``assessments``: whether the reader may read reasons and notes (``visibility``)."""
    d = event.detail or {}
    if event.action == "excused" and d.get("panelist"):
        return f" ({mention(str(d['panelist']))})"
    if event.action == "decided":
        outcome = OUTCOME_LABELS.get(str(d.get("outcome")), str(d.get("outcome")))
        shown = d.get("reason") and assessments
        reason = f": {safe(str(d.get('reason', '')), 200)}" if shown else ""
        return f" — *{outcome}*{reason}"
    if event.action == "candidate_updated" and d.get("note") and assessments:
        return f": {safe(str(d['note']), 200)}"
    if event.action == "cancelled" and d.get("reason"):
        return f": {safe(str(d['reason']), 200)}"
    return ""


def history(
    panel: Panel, events: Sequence[AuditEvent], reader: Person, *, assessments: bool = False
) -> Rendered:
    """``/panel history``: who did what when, in the reader's zone, oldest first; reasons and
    notes only when ``assessments`` (``bot.followup.visibility``)."""
    lines = [
        f"• {local_time(e.at, reader.tz)} · {mention(e.actor_id)}"
        f" {action_label(e.action)}{_event_detail(e, assessments)}"
        for e in events
    ]
    shown = lines[-MAX_HISTORY_LINES:]
    more = len(lines) - len(shown)
    blocks: list[Block] = [
        section(
            f"*History of {panel.reference}* · {safe(panel.candidate.name, 200)},"
            f" {safe(panel.role.title, 200)}"
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
    return f"History of {panel.reference}: {len(events)} event(s)", blocks[:MAX_MESSAGE_BLOCKS]


def followup_status(
    panel: Panel,
    progress: PanelProgress,
    reading: FeedbackReading,
    blockers: Sequence[Blocker],
    reader: Person,
    *,
    may_excuse: bool,
    now_stage: Stage,
) -> list[Block]:
    """The after-the-panel part of ``/panel status``: stage, blockers, feedback the reader
    may see, and an Excuse button next to each missing name for owners."""
    if now_stage in (Stage.UPCOMING, Stage.CANCELLED):
        return []
    blocks: list[Block] = [
        divider(),
        section(
            f"*After the panel:* {STAGE_LABELS[now_stage]} · feedback"
            f" {reading.submitted}/{reading.expected} in"
        ),
    ]
    for b in visibility.blockers_for(blockers, reading.may_read_others):
        if b.kind is BlockerKind.FEEDBACK and may_excuse:
            blocks.append(
                section(
                    f"• {blocker_text(b)}",
                    accessory=button("Excuse", ids.FEEDBACK_EXCUSE, f"{panel.id}:{b.owner_id}"),
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
    focus = {p.user_id: focus_label(p.focus_area, p.focus_detail) for p in panel.panelists}
    room = MAX_MESSAGE_BLOCKS - 12 - len(blocks)
    for f in reading.visible[: max(room, 0)]:
        blocks.append(feedback_line_blocks(f, focus.get(f.author_id, "")))
    if not reading.may_read_others and reading.submitted > len(reading.visible):
        blocks.append(context("Others' feedback is shown to you once you've submitted yours."))
    return blocks
