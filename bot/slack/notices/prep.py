"""Block Kit for the prep notices (``bot.prep.notices``): the packet and its updates, the
decline alert, the prep reminder and the escalation before an unprepared panel.

Every piece of user text is escaped and cut to Block Kit's limits with a visible ellipsis, so
however long the round-1 notes or the list of earlier questions, the packet always sends.
Reminders are built from a ``PanelBrief`` and the reader's zone alone, so a batch of thousands
needs no directory lookups.
"""

from __future__ import annotations

from typing import Any

from bot.panels.labels import FORMAT_LABELS, focus_label
from bot.people import Person
from bot.prep.notices import (
    PacketState,
    PacketWithdrawn,
    PanelistDeclined,
    PrepEscalation,
    PrepPacket,
    PrepReminder,
)
from bot.slack import ids
from bot.slack.blocks import Block, actions, button, context, divider, header, section
from bot.slack.pieces import headline, logistics, when
from bot.slack.render import Rendered, render_notice
from bot.slack.text import SECTION_TEXT, bullets, escape, local_time, mention, safe

RESPONSIBILITIES_LIMIT = 1500  # in the packet
RESPONSIBILITIES_EXCERPT = 600  # in a reminder
#: Room kept in a section for the "cut to fit" line.
CUT_NOTE = "\n_…cut to fit: ask the coordinator for the full notes._"
COVERED_HEADING = "*Covered already — don't repeat*"


@render_notice.register
def _(notice: PrepPacket, reader: Person) -> Rendered:
    b = notice.brief
    if notice.state == PacketState.CANCELLED:
        text = f"{b.reference} was cancelled: no need to prepare."
        return text, [
            header(f"Prep packet: {b.reference} (cancelled)"),
            section(f"~{headline(b)}~\n:x: *Cancelled.* No need to prepare any more."),
            context(f"Coordinator: {mention(b.coordinator_id)}"),
        ]
    blocks: list[Block] = [
        header(f"Prep packet: {b.reference}"),
        section(f":briefcase: You're on this interview panel.\n{headline(b)}"),
        logistics(b, reader),
    ]
    if b.responsibilities.strip():
        quoted = "\n".join(
            f">{line}"
            for line in safe(b.responsibilities.strip(), RESPONSIBILITIES_LIMIT).splitlines()
            if line.strip()
        )
        blocks.append(section(f"*The role's responsibilities*\n{quoted}"))
    roster = [
        f"{mention(r.user_id)}"
        f"{' — ' + safe(r.title, 100) if r.title else ''}: {safe(r.focus, 100)}"
        f" ({escape(r.perspective.lower())})"
        f"{' · _you_' if r.user_id == notice.recipient_id else ''}"
        for r in notice.roster
    ]
    blocks.append(section(bullets(roster, "*The panel*")))
    blocks.append(
        section(
            bullets(
                [escape(t) for t in notice.themes],
                f"*Your focus: {safe(notice.focus, 100)}* ({escape(notice.perspective.lower())})"
                "\nSuggested themes to build your questions on:",
            )
        )
    )
    if notice.evaluate:
        label = FORMAT_LABELS.get(b.format, b.format).lower()
        blocks.append(
            section(
                bullets([escape(e) for e in notice.evaluate], f"*What to evaluate in the {label}*")
            )
        )
    if notice.notes:
        blocks.append(section(_notes(notice.notes)))
    if notice.covered:
        covered = [safe(q, 300) for q in notice.covered]
        blocks.append(section(bullets(covered, f":no_entry_sign: {COVERED_HEADING}")))
    else:
        blocks.append(section(f"{COVERED_HEADING}\nNo questions recorded from earlier rounds."))
    blocks.append(divider())
    if notice.state == PacketState.DECLINED:
        reason = f"\n>{safe(notice.decline_reason, 500)}" if notice.decline_reason else ""
        blocks.append(
            section(f":no_entry: *You said you can't attend.* The coordinator was told.{reason}")
        )
    else:
        if notice.state == PacketState.CONFIRMED and notice.confirmed_at is not None:
            at = local_time(notice.confirmed_at, reader.tz)
            blocks.append(section(f":white_check_mark: *You've reviewed the materials* ({at})."))
        elif not notice.started:
            blocks.append(section("Please read the résumé and the role, then confirm below."))
        if notice.started:
            blocks.append(
                section(
                    ":hourglass_flowing_sand: *The panel has started*, so prep is closed."
                    " HireBot asks for your feedback when it ends."
                )
            )
        else:
            blocks.append(_packet_actions(b.panel_id, notice.state))
    blocks.append(context(f"Coordinator: {mention(b.coordinator_id)} · a calendar invite follows"))
    text = (
        f"Prep packet for {b.reference}: {escape(b.candidate_name)}, {escape(b.role_title)},"
        f" {when(b.slot, reader.tz)}."
    )
    return text, blocks


def _notes(notes: tuple[tuple[int, str], ...]) -> str:
    text = "*Notes from earlier rounds*"
    for number, body in notes:
        text += f"\n_Round {number}_\n" + "\n".join(
            f">{line}" for line in escape(body.strip()).splitlines() if line.strip()
        )
    if len(text) > SECTION_TEXT:
        cut = text[: SECTION_TEXT - len(CUT_NOTE) - 1]
        amp = cut.rfind("&", max(0, len(cut) - 5))
        if amp != -1 and ";" not in cut[amp:]:
            cut = cut[:amp]
        text = cut + "…" + CUT_NOTE
    return text


def _packet_actions(panel_id: int, state: PacketState) -> Block:
    value = str(panel_id)
    elements: list[dict[str, Any]] = []
    if state == PacketState.OPEN:
        elements.append(
            button("I've reviewed the materials", ids.PREP_CONFIRM, value, style="primary")
        )
    elements.append(button("Plan my questions", ids.PREP_PLAN_QUESTIONS, value))
    elements.append(button("I can't attend", ids.PREP_DECLINE, value, style="danger"))
    return actions(*elements, block_id=f"prep:{panel_id}")


@render_notice.register
def _(notice: PacketWithdrawn, reader: Person) -> Rendered:
    b = notice.brief
    text = f"You're no longer on {b.reference}: someone else has taken your place."
    return text, [
        header(f"Prep packet: {b.reference} (no longer needed)"),
        section(f"~{headline(b)}~\n{text} Thank you."),
    ]


@render_notice.register
def _(notice: PanelistDeclined, reader: Person) -> Rendered:
    b = notice.brief
    who = mention(notice.panelist_id)
    text = (
        f"{who} can't attend {b.reference} ({escape(b.candidate_name)}), {when(b.slot, reader.tz)}."
    )
    reason = f"\n>{safe(notice.reason, 1000)}" if notice.reason else ""
    blocks: list[Block] = [
        section(f":rotating_light: *Panelist can't attend:* {text}{reason}"),
        context(
            f"Their seat: {safe(notice.focus, 100)} ({escape(notice.perspective.lower())})."
            " A replacement takes the same focus and perspective and gets the packet."
        ),
    ]
    if notice.still_on_panel:
        blocks.append(
            actions(
                button(
                    "Replace them",
                    ids.PREP_REPLACE_OPEN,
                    f"{b.panel_id}:{notice.panelist_id}",
                    style="primary",
                )
            )
        )
    return text, blocks


@render_notice.register
def _(notice: PrepReminder, reader: Person) -> Rendered:
    b = notice.brief
    focus = safe(focus_label(notice.focus_area, notice.focus_detail), 200)
    text = (
        f"Reminder: you're on {b.reference}, {escape(b.candidate_name)}'s interview for"
        f" {escape(b.role_title)}, on {when(b.slot, reader.tz)}. Please review the résumé and"
        " the role before then."
    )
    blocks: list[Block] = [
        section(f":spiral_note_pad: *Prep reminder* — you're interviewing soon.\n{headline(b)}"),
        logistics(b, reader),
        section(
            f"*Your focus:* {focus}\nBefore the panel, please read the candidate's résumé and"
            " the role's responsibilities, so you can ask about what this job needs rather than"
            " what round 1 already covered."
        ),
    ]
    if b.responsibilities.strip():
        excerpt = safe(b.responsibilities.strip(), RESPONSIBILITIES_EXCERPT)
        quoted = "\n".join(f">{line}" for line in excerpt.splitlines())
        blocks.append(section(f"*The role*\n{quoted}"))
    blocks.append(context(f"Coordinator: {mention(b.coordinator_id)}"))
    return text, blocks


@render_notice.register
def _(notice: PrepEscalation, reader: Person) -> Rendered:
    b = notice.brief
    who = ", ".join(mention(u) for u in notice.unprepared)
    count = len(notice.unprepared)
    text = (
        f"{b.reference} ({escape(b.candidate_name)}) starts {when(b.slot, reader.tz)}:"
        f" {count} panelist{'s' if count != 1 else ''} not prepared yet."
    )
    lines = "\n".join(f"• {mention(u)}" for u in notice.unprepared)
    blocks: list[Block] = [
        section(f":warning: *Panel not ready:* {headline(b)}\nStarts {when(b.slot, reader.tz)}."),
        section(f"*Not confirmed their prep yet*\n{lines}"),
    ]
    if notice.declined:
        gone = "\n".join(
            f"• {mention(u)}{': ' + safe(reason, 200) if reason else ''}"
            for u, reason in notice.declined
        )
        blocks.append(section(f"*Can't attend*\n{gone}"))  # ``section`` cuts it to fit
    blocks += [
        actions(button("Remind them now", ids.PREP_REMIND_NOW, str(b.panel_id), style="primary")),
        context(
            f"You may want to check in with {who} before the start, or"
            f" `/panel reschedule {b.reference}`."
        ),
    ]
    return text, blocks
