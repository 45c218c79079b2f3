"""Block Kit for the panel notices (``bot.panels.notices``): scheduled, rescheduled, cancelled.

Every time is shown in the reader's own time zone; all user text goes through ``safe``.
"""

from __future__ import annotations

from bot.panels.notices import PanelCancelled, PanelRescheduled, PanelScheduled
from bot.people import Person
from bot.slack.blocks import Block, context, divider, header, preformatted, section
from bot.slack.pieces import card_when, composition_blocks, panel_card
from bot.slack.render import Rendered, render_notice
from bot.slack.text import escape, local_time, mention, safe


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
    text = (
        f"Panel {s.reference} for {escape(s.candidate_name)} is scheduled for"
        f" {card_when(s.slot, reader.tz)}."
    )
    return text, blocks


@render_notice.register
def _(notice: PanelRescheduled, reader: Person) -> Rendered:
    s = notice.summary
    before = local_time(notice.previous.starts_at, reader.tz)
    who = _who(notice.by, reader, notice.via)
    text = (
        f"{who} moved {s.reference} ({escape(s.candidate_name)}) from {before} to"
        f" {card_when(s.slot, reader.tz)}."
    )
    blocks = [
        section(f":calendar: *Rescheduled:* {text}"),
        *panel_card(s, reader),
        *(composition_blocks(notice.warnings) if notice.warnings else []),
        *_for_the_candidate(notice.candidate_message),
    ]
    return text, blocks


@render_notice.register
def _(notice: PanelCancelled, reader: Person) -> Rendered:
    s = notice.summary
    who = _who(notice.by, reader, notice.via)
    text = (
        f"{who} cancelled {s.reference}, {escape(s.candidate_name)}'s round {s.round_number} panel"
        f" on {local_time(s.slot.starts_at, reader.tz)}."
    )
    reason = f"\n>{safe(notice.reason, 500)}" if notice.reason else ""
    blocks = [section(f":x: *Cancelled:* {text}{reason}")]
    blocks += _for_the_candidate(notice.candidate_message)
    if (notice.by.id != reader.id or notice.via) and not notice.candidate_message:
        blocks.append(context("Nothing to do: it's off your calendar as far as HireBot goes."))
    return text, blocks


def _who(by: Person, reader: Person, via: str) -> str:
    """Who made a change: "You", a mention, or the ATS it came from ("Ashby")."""
    if via:
        return escape(via)
    return "You" if by.id == reader.id else mention(by.id)


def _for_the_candidate(message: str) -> list[Block]:
    """The recruiter's ready-to-send note, when the notice carries one."""
    if not message:
        return []
    return [
        section("*Message for the candidate* (ready to copy into your email)"),
        preformatted(message),
    ]
