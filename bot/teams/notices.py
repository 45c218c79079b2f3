"""Every notice of the platform port as an Adaptive Card: ``render(notice, reader)``.

Buttons are Universal Actions (``Action.Execute``, verbs in ``VERBS``) that the bot answers with
the updated card, or ``task/fetch`` buttons that open a dialog. The data of each names the
panel; every handler checks again who clicks.
"""

from __future__ import annotations

import re
from functools import singledispatch
from typing import Any

from bot.ats.notices import AtsNote
from bot.followup.labels import OUTCOME_LABELS, RECOMMENDATION_LABELS
from bot.followup.notices import (
    CandidateUpdateAsk,
    CandidateWaiting,
    DecisionAsk,
    FeedbackAsk,
    FeedbackEscalation,
)
from bot.followup.progress import Blocker, BlockerKind
from bot.panels.composition import CompositionWarning
from bot.panels.labels import FORMAT_LABELS, PERSPECTIVE_LABELS, focus_label
from bot.panels.notices import (
    NudgeFailed,
    PanelBrief,
    PanelCancelled,
    PanelRescheduled,
    PanelScheduled,
    PanelSummary,
)
from bot.people import Person
from bot.platform import Digest
from bot.prep.notices import (
    CalendarInvite,
    PacketState,
    PacketWithdrawn,
    PanelistDeclined,
    PrepEscalation,
    PrepPacket,
    PrepReminder,
)
from bot.teams.cards import (
    Card,
    Element,
    bullets,
    card,
    execute,
    facts,
    heading,
    local_time,
    mention,
    note,
    open_dialog,
    open_url,
    plain,
    text,
    verbatim,
)

Rendered = tuple[str, Card]  # (notification summary, card)

#: Universal Action verbs HireBot answers (``adaptiveCard/action``).
CONFIRM_PREP = "prep.confirm"
EXCUSE = "feedback.excuse"
REFRESH = "card.refresh"
VERBS = (CONFIRM_PREP, EXCUSE, REFRESH)


def _when(slot: Any, reader: Person) -> str:
    return f"{local_time(slot.starts_at, reader.tz)} ({slot.duration_minutes} min)"


def _headline(b: PanelBrief | PanelSummary) -> str:
    return (
        f"**{b.reference}** · **{plain(b.candidate_name, 200)}** for"
        f" **{plain(b.role_title, 200)}** (round {b.round_number})"
    )


def _logistics(b: PanelBrief | PanelSummary, reader: Person) -> Element:
    return facts(
        ("When (your time)", _when(b.slot, reader)),
        ("Format", FORMAT_LABELS.get(b.format, b.format)),
        ("Where", plain(b.location, 500) or "not set"),
        ("Résumé", "linked below" if b.resume_url else "no link yet"),
    )


def _resume(b: PanelBrief | PanelSummary) -> list[Element]:
    url = b.resume_url
    return [open_url("Open the résumé", url)] if url and url.startswith("https://") else []


def _warnings(warnings: tuple[CompositionWarning, ...]) -> list[Element]:
    if not warnings:
        return [text("✅ The panel's composition looks balanced.")]
    return bullets([plain(w.text, 500) for w in warnings], "⚠️ Composition check")


def summary_body(summary: PanelSummary, reader: Person) -> list[Element]:
    roster = [
        f"{mention(seat.person.id)}: {plain(focus_label(seat.focus_area, seat.focus_detail), 100)}"
        f" ({PERSPECTIVE_LABELS.get(seat.perspective, seat.perspective).lower()})"
        for seat in summary.seats
    ]
    status = " · **CANCELLED**" if summary.cancelled else ""
    return [
        text(_headline(summary) + status),
        _logistics(summary, reader),
        facts(
            ("Hiring manager", mention(summary.hiring_manager.id)),
            ("Recruiter", mention(summary.recruiter.id)),
            ("Coordinator", mention(summary.coordinator.id)),
        ),
        *bullets(roster, "The panel"),
    ]


@singledispatch
def render(notice: Any, reader: Person) -> Rendered:
    raise TypeError(f"no Teams card for {type(notice).__name__}")


@render.register
def _(notice: PanelScheduled, reader: Person) -> Rendered:
    s = notice.summary
    body = [
        heading(f"Panel scheduled: {s.reference}"),
        *summary_body(s, reader),
        *_warnings(notice.warnings),
        text("**Ready to send to the candidate**", weight="Bolder"),
        verbatim(notice.candidate_message),
    ]
    return f"{s.reference} is scheduled", card(body, _resume(s))


@render.register
def _(notice: PanelRescheduled, reader: Person) -> Rendered:
    s = notice.summary
    body = [
        heading(f"Rescheduled: {s.reference}"),
        text(
            f"{mention(notice.by.id)} moved the panel from {_when(notice.previous, reader)}"
            f" to **{_when(s.slot, reader)}**."
        ),
        *summary_body(s, reader),
    ]
    if notice.warnings:
        body += _warnings(notice.warnings)
    if notice.candidate_message:
        body += [text("**For the candidate**"), verbatim(notice.candidate_message)]
    return f"{s.reference} moved to {_when(s.slot, reader)}", card(body)


@render.register
def _(notice: PanelCancelled, reader: Person) -> Rendered:
    s = notice.summary
    body = [
        heading(f"Cancelled: {s.reference}"),
        text(f"{mention(notice.by.id)} cancelled {_headline(s)}."),
    ]
    if notice.reason:
        body.append(facts(("Reason", plain(notice.reason, 500))))
    if notice.candidate_message:
        body += [text("**For the candidate**"), verbatim(notice.candidate_message)]
    return f"{s.reference} was cancelled", card(body)


@render.register
def _(notice: PrepReminder, reader: Person) -> Rendered:
    b = notice.brief
    body = [
        heading(f"Reminder: prepare for {b.reference}"),
        text(_headline(b)),
        _logistics(b, reader),
        facts(("Your focus", plain(focus_label(notice.focus_area, notice.focus_detail), 100))),
        text("Please read the résumé and the role, then confirm."),
    ]
    actions = [
        execute(
            "I've reviewed the materials", CONFIRM_PREP, {"panel": b.panel_id}, style="positive"
        )
    ]
    return f"Prepare for {b.reference}", card(body, actions + _resume(b))


@render.register
def _(notice: PrepEscalation, reader: Person) -> Rendered:
    b = notice.brief
    body = [heading(f"Still unprepared: {b.reference}"), text(_headline(b)), _logistics(b, reader)]
    body += bullets([mention(u) for u in notice.unprepared], "Not yet confirmed")
    body += bullets(
        [f"{mention(u)}: {plain(r, 300) or 'no reason given'}" for u, r in notice.declined],
        "Can't attend",
    )
    return f"{len(notice.unprepared)} unprepared on {b.reference}", card(body)


@render.register
def _(notice: NudgeFailed, reader: Person) -> Rendered:
    b = notice.brief
    body = [
        heading(f"Could not reach someone: {b.reference}"),
        text(
            f"A {plain(notice.kind.replace('_', ' '), 60)} for {mention(notice.recipient_id)} could not be delivered."
        ),
        note(plain(notice.error, 300)),
    ]
    return f"Delivery failed on {b.reference}", card(body)


@render.register
def _(notice: Digest, reader: Person) -> Rendered:
    body: list[Element] = [heading(f"{len(notice.notices)} updates")]
    actions: list[Element] = []
    for part in notice.notices:
        _summary, inner = render(part, reader)
        body.append({"type": "Container", "separator": True, "items": inner["body"]})
        actions += inner.get("actions", [])
    return f"{len(notice.notices)} updates from HireBot", card(body, actions[:6])


@render.register
def _(notice: PrepPacket, reader: Person) -> Rendered:
    b = notice.brief
    if notice.state == PacketState.CANCELLED:
        return f"{b.reference} was cancelled", card(
            [
                heading(f"Prep packet: {b.reference} (cancelled)"),
                text(f"~~{_headline(b)}~~ Cancelled: no need to prepare."),
            ]
        )
    roster = [
        f"{mention(r.user_id)}{' · ' + plain(r.title, 100) if r.title else ''}: {plain(r.focus, 100)}"
        f" ({plain(r.perspective.lower(), 60)}){' · you' if r.user_id == notice.recipient_id else ''}"
        for r in notice.roster
    ]
    body: list[Element] = [
        heading(f"Prep packet: {b.reference}"),
        text(f"💼 You're on this interview panel.\n\n{_headline(b)}"),
        _logistics(b, reader),
    ]
    if b.responsibilities.strip():
        body += [text("**The role's responsibilities**"), text(plain(b.responsibilities, 3000))]
    body += bullets(roster, "The panel")
    body += bullets(
        [plain(t, 300) for t in notice.themes],
        f"Your focus: {plain(notice.focus, 100)} ({plain(notice.perspective.lower(), 60)})",
    )
    if notice.evaluate:
        body += bullets([plain(e, 300) for e in notice.evaluate], "What to evaluate")
    for number, notes in notice.notes:
        body += [text(f"**Round {number} notes**"), text(plain(notes, 3000))]
    body += bullets(
        [plain(q, 300) for q in notice.covered] or ["No questions recorded from earlier rounds."],
        "🚫 Already asked in earlier rounds: don't repeat",
    )
    actions: list[Element] = []
    if notice.state == PacketState.DECLINED:
        reason = f" ({plain(notice.decline_reason, 500)})" if notice.decline_reason else ""
        body.append(text(f"⛔ **You said you can't attend.** The coordinator was told.{reason}"))
    elif notice.started:
        body.append(text("⏳ **The panel has started**, so prep is closed."))
    else:
        if notice.state == PacketState.CONFIRMED and notice.confirmed_at is not None:
            body.append(
                text(
                    f"✅ **You've reviewed the materials** ({local_time(notice.confirmed_at, reader.tz)})."
                )
            )
        else:
            body.append(text("Please read the résumé and the role, then confirm below."))
            actions.append(
                execute(
                    "I've reviewed the materials",
                    CONFIRM_PREP,
                    {"panel": b.panel_id},
                    style="positive",
                )
            )
        actions.append(open_dialog("Plan my questions", "plan", {"panel": b.panel_id}))
        actions.append(open_dialog("I can't attend", "decline", {"panel": b.panel_id}))
    body.append(note(f"Coordinator: {mention(b.coordinator_id)}"))
    return f"Prep packet for {b.reference}", card(body, actions + _resume(b))


@render.register
def _(notice: PacketWithdrawn, reader: Person) -> Rendered:
    b = notice.brief
    return f"{b.reference}: you're off the panel", card(
        [
            heading(f"Prep packet: {b.reference}"),
            text(f"~~{_headline(b)}~~ You're no longer on this panel."),
        ]
    )


@render.register
def _(notice: PanelistDeclined, reader: Person) -> Rendered:
    b = notice.brief
    body = [
        heading(f"Can't attend: {b.reference}"),
        text(f"{mention(notice.panelist_id)} can't attend {_headline(b)}."),
        facts(
            ("Reason", plain(notice.reason, 500) or "none given"),
            ("Their focus", plain(notice.focus, 100)),
            ("Perspective", plain(notice.perspective, 100)),
        ),
    ]
    actions = []
    if notice.still_on_panel:
        actions.append(
            open_dialog(
                "Replace them", "replace", {"panel": b.panel_id, "panelist": notice.panelist_id}
            )
        )
    else:
        body.append(note("Already replaced."))
    return f"{b.reference}: a panelist can't attend", card(body, actions)


@render.register
def _(notice: CalendarInvite, reader: Person) -> Rendered:
    b = notice.brief
    what = "Cancelled" if notice.cancelled else "Calendar invite"
    return f"{what}: {b.reference}", card(
        [heading(f"{what}: {b.reference}"), text(_headline(b)), _logistics(b, reader)]
    )


@render.register
def _(notice: FeedbackAsk, reader: Person) -> Rendered:
    b = notice.brief
    title = "Reminder: your feedback" if notice.reminder else "Your feedback, please"
    body = [
        heading(f"{title}: {b.reference}"),
        text(_headline(b)),
        facts(("Your focus", plain(focus_label(notice.focus_area, notice.focus_detail), 100))),
        note("Your feedback is yours first: you see the others' once yours is in."),
    ]
    if notice.scorecard is not None and notice.scorecard[1].startswith("https://"):
        # The ATS keeps scorecards (Greenhouse): it is written there, not in a HireBot dialog.
        source = plain(notice.scorecard[0], 40)
        body[-1] = text(
            f"Write your scorecard in {source}, with the questions you actually asked, so the"
            " next round won't repeat them."
        )
        body.append(note(f"HireBot sees it once it's in {source} and stops reminding you."))
        return f"Feedback for {b.reference}", card(
            body, [open_url("Open your scorecard", notice.scorecard[1])]
        )
    return f"Feedback for {b.reference}", card(
        body, [open_dialog("Submit feedback", "feedback", {"panel": b.panel_id})]
    )


def blocker_text(blocker: Blocker) -> str:
    who = mention(blocker.owner_id)
    if blocker.kind is BlockerKind.FEEDBACK:
        line = f"feedback missing from {who}"
    elif blocker.kind is BlockerKind.DECISION:
        line = f"decision pending with {who}" + (
            f" ({plain(blocker.note, 300)})" if blocker.note else ""
        )
    else:
        line = f"candidate not yet told by {who}"
    if blocker.overdue:
        line += f", {blocker.days_overdue} business day{'s' if blocker.days_overdue != 1 else ''} overdue"
    return line


@render.register
def _(notice: FeedbackEscalation, reader: Person) -> Rendered:
    b = notice.brief
    body: list[Element] = [heading(f"Feedback missing: {b.reference}"), text(_headline(b))]
    actions: list[Element] = []
    for missing in notice.missing:
        body.append(text(f"- {mention(missing.user_id)}: {missing.days_overdue} day(s) overdue"))
        actions.append(
            execute(
                "Excuse " + mention(missing.user_id),
                EXCUSE,
                {"panel": b.panel_id, "panelist": missing.user_id},
            )
        )
    return f"Feedback missing on {b.reference}", card(body, actions[:5])


@render.register
def _(notice: DecisionAsk, reader: Person) -> Rendered:
    b = notice.brief
    body: list[Element] = [
        heading(("Reminder: " if notice.reminder else "") + f"Decision: {b.reference}"),
        text(_headline(b)),
    ]
    for line in notice.lines:
        body.append(
            {
                "type": "Container",
                "separator": True,
                "items": [
                    text(
                        f"{mention(line.author_id)} · {RECOMMENDATION_LABELS.get(line.recommendation, line.recommendation)}"
                        f" · {plain(focus_label(line.focus_area, line.focus_detail), 100)} {line.rating}/4"
                    ),
                    text(plain(line.evidence, 1500)),
                    *([note("Concerns: " + plain(line.concerns, 800))] if line.concerns else []),
                ],
            }
        )
    if notice.excused:
        body.append(note("Excused: " + ", ".join(mention(u) for u in notice.excused)))
    if notice.on_hold:
        body.append(text(f"On hold: {plain(notice.on_hold, 500)}"))
    actions = [
        open_dialog(label, "decide", {"panel": b.panel_id, "outcome": outcome})
        for outcome, label in OUTCOME_LABELS.items()
    ]
    return f"Decision needed on {b.reference}", card(body, actions)


@render.register
def _(notice: CandidateUpdateAsk, reader: Person) -> Rendered:
    b = notice.brief
    body = [
        heading(f"Update the candidate: {b.reference}"),
        text(_headline(b)),
        facts(
            ("Decision", OUTCOME_LABELS.get(notice.outcome, notice.outcome)),
            ("By", mention(notice.decided_by)),
            ("Reason", plain(notice.reason, 500)),
        ),
    ]
    if notice.holding_message:
        body += [text("**A holding message for the candidate**"), verbatim(notice.holding_message)]
    return f"Tell the candidate: {b.reference}", card(
        body,
        [open_dialog("I've updated the candidate", "candidate_updated", {"panel": b.panel_id})],
    )


@render.register
def _(notice: CandidateWaiting, reader: Person) -> Rendered:
    b = notice.brief
    title = "Escalation: " if notice.escalation else ""
    body: list[Element] = [
        heading(f"{title}The candidate is waiting: {b.reference}"),
        text(_headline(b)),
        text(
            f"No update since {local_time(notice.since, reader.tz)}: {notice.days_overdue} business day(s) past the SLA."
        ),
        *bullets([blocker_text(x) for x in notice.blockers], "What blocks it"),
    ]
    if notice.holding_message:
        body += [
            text("**A holding message for the candidate**"),
            verbatim(notice.holding_message),
        ]
    actions = []
    if reader.id == notice.recruiter_id:
        actions.append(
            open_dialog("I've updated the candidate", "candidate_updated", {"panel": b.panel_id})
        )
    return f"The candidate is waiting: {b.reference}", card(body, actions)


#: How the core names a person inside a note's sentence (``<@id>``).
_NAMED = re.compile(r"<@([\w-]{1,64})>")


def _with_mentions(line: str) -> str:
    """A note's sentence as card text, each ``<@id>`` in it shown as that person's name."""
    parts = _NAMED.split(line[:2500])
    return "".join(mention(part) if i % 2 else plain(part) for i, part in enumerate(parts))


@render.register
def _(notice: AtsNote, reader: Person) -> Rendered:
    where = f"{notice.reference} · " if notice.reference else ""
    body: list[Element] = [
        heading(plain(notice.headline, 300)),
        text(f"{where}{plain(notice.candidate_name, 200)}, from {plain(notice.source, 40)}"),
    ]
    people = [plain(p, 200) for p in notice.people[:20]]
    if len(notice.people) > 20:
        people.append(f"…and {len(notice.people) - 20} more")
    body += bullets(people)
    body += [text(_with_mentions(line)) for line in notice.lines[:10]]
    actions = []
    if notice.link.startswith("https://"):
        actions.append(open_url(f"Open in {plain(notice.source, 40)}", notice.link))
    return f"{notice.headline} ({where}{notice.candidate_name})"[:200], card(body, actions)
