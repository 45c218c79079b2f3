"""Block Kit for prep: the packet, its updates, the decline alert, readiness, prep modals.

Registered on ``bot.slack.messages.render_notice`` (the Slack platform imports this module).
Every piece of user text is escaped and cut to Block Kit's limits with a visible ellipsis, so
however long the round-1 notes or the list of earlier questions, the packet always sends.
"""

from __future__ import annotations

import json
from typing import Any

from bot.panels import bounds
from bot.panels.notices import PanelBrief
from bot.panels.vocabulary import FORMAT_LABELS
from bot.people import Person
from bot.prep.forms import DECLINE_REASON, REPLACEMENT
from bot.prep.notices import (
    PacketState,
    PacketWithdrawn,
    PanelistDeclined,
    PanelReadiness,
    PrepPacket,
)
from bot.slack import ids
from bot.slack.blocks import (
    Block,
    actions,
    button,
    context,
    divider,
    fields,
    header,
    input_block,
    modal,
    plain,
    section,
)
from bot.slack.messages import Rendered, render_notice
from bot.slack.text import SECTION_TEXT, escape, link, local_time, mention, safe

RESPONSIBILITIES_LIMIT = 1500
#: Room kept in a section for the "cut to fit" line.
CUT_NOTE = "\n_…cut to fit: ask the coordinator for the full notes._"
COVERED_HEADING = "*Covered already — don't repeat*"


def _when(brief: PanelBrief, reader: Person) -> str:
    return f"{local_time(brief.slot.starts_at, reader.tz)} ({brief.slot.duration_minutes} min)"


def _headline(brief: PanelBrief) -> str:
    return (
        f"*{brief.reference}* · *{safe(brief.candidate_name, 200)}* for"
        f" *{safe(brief.role_title, 200)}* (round {brief.round_number})"
    )


def _bullets(items: list[str], heading: str, limit: int = SECTION_TEXT) -> str:
    """A heading and as many bullets as fit in ``limit``; says how many were left out."""
    text = heading
    for i, item in enumerate(items):
        line = f"\n• {item}"
        more = f"\n_…and {len(items) - i} more_"
        if len(text) + len(line) + len(more) > limit - 40:
            return text + more
        text += line
    return text


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
def _(notice: PrepPacket, reader: Person) -> Rendered:
    b = notice.brief
    if notice.state == PacketState.CANCELLED:
        text = f"{b.reference} was cancelled: no need to prepare."
        return text, [
            header(f"Prep packet: {b.reference} (cancelled)"),
            section(f"~{_headline(b)}~\n:x: *Cancelled.* No need to prepare any more."),
            context(f"Coordinator: {mention(b.coordinator_id)}"),
        ]
    resume = (
        link(b.resume_url, "Open the résumé")
        if b.resume_url
        else "No résumé link yet: ask the coordinator"
    )
    blocks: list[Block] = [
        header(f"Prep packet: {b.reference}"),
        section(f":briefcase: You're on this interview panel.\n{_headline(b)}"),
        fields(
            f"*When* (your time)\n{_when(b, reader)}",
            f"*Format*\n{FORMAT_LABELS.get(b.format, b.format)}",
            f"*Where*\n{safe(b.location, 500) or 'not set'}",
            f"*Résumé*\n{resume}",
        ),
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
    blocks.append(section(_bullets(roster, "*The panel*")))
    blocks.append(
        section(
            _bullets(
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
                _bullets([escape(e) for e in notice.evaluate], f"*What to evaluate in the {label}*")
            )
        )
    if notice.notes:
        blocks.append(section(_notes(notice.notes)))
    if notice.covered:
        covered = [safe(q, 300) for q in notice.covered]
        blocks.append(section(_bullets(covered, f":no_entry_sign: {COVERED_HEADING}")))
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
        f" {_when(b, reader)}."
    )
    return text, blocks


@render_notice.register
def _(notice: PacketWithdrawn, reader: Person) -> Rendered:
    b = notice.brief
    text = f"You're no longer on {b.reference}: someone else has taken your place."
    return text, [
        header(f"Prep packet: {b.reference} (no longer needed)"),
        section(f"~{_headline(b)}~\n{text} Thank you."),
    ]


@render_notice.register
def _(notice: PanelistDeclined, reader: Person) -> Rendered:
    b = notice.brief
    who = mention(notice.panelist_id)
    text = f"{who} can't attend {b.reference} ({escape(b.candidate_name)}), {_when(b, reader)}."
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


# ------------------------------------------------------------------ /panel status


def readiness_blocks(readiness: PanelReadiness) -> list[Block]:
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
    return [section(_bullets(lines, "*Readiness*"))]


# ------------------------------------------------------------------ modals


def decline_modal(brief: PanelBrief, message_ts: str | None) -> dict[str, Any]:
    return modal(
        "Can't attend",
        [
            section(f"{_headline(brief)}\nThe coordinator is told at once, with your reason."),
            input_block(
                DECLINE_REASON,
                "Why can't you attend?",
                {
                    "type": "plain_text_input",
                    "multiline": True,
                    "max_length": bounds.DECLINE_REASON.max_length,
                    "placeholder": plain("A clash, leave, a conflict of interest…", 150),
                },
            ),
        ],
        callback_id=ids.PREP_DECLINE_SUBMIT,
        submit="Tell the coordinator",
        private_metadata=json.dumps({"panel": brief.panel_id, "ts": message_ts}),
    )


def replace_modal(brief: PanelBrief, panelist_id: str, focus: str) -> dict[str, Any]:
    return modal(
        "Replace panelist",
        [
            section(
                f"{_headline(brief)}\nReplacing {mention(panelist_id)}. The replacement takes"
                f" the same seat ({safe(focus, 100)}) and gets the prep packet at once."
            ),
            input_block(REPLACEMENT, "Replacement", {"type": "users_select"}),
        ],
        callback_id=ids.PREP_REPLACE_SUBMIT,
        submit="Replace",
        private_metadata=json.dumps({"panel": brief.panel_id, "user": panelist_id}),
    )
