"""Block Kit for what the outbox delivers: prep reminders, escalations, failures and digests.

Registered on ``bot.slack.messages.render_notice`` (importing this module is enough; the Slack
platform does). Reminders are built from a ``PanelBrief`` and the reader's zone alone, so a
batch of thousands needs no directory lookups.
"""

from __future__ import annotations

from bot.panels.notices import NudgeFailed, PanelBrief
from bot.panels.vocabulary import FORMAT_LABELS, focus_label
from bot.people import Person
from bot.platform import Digest
from bot.prep.notices import PrepEscalation, PrepReminder
from bot.slack import ids
from bot.slack.blocks import Block, actions, button, context, divider, fields, header, section
from bot.slack.messages import MAX_MESSAGE_BLOCKS, Rendered, render_notice
from bot.slack.text import FALLBACK_TEXT, escape, link, local_time, mention, safe, truncate

RESPONSIBILITIES_EXCERPT = 600


def _when(brief: PanelBrief, reader: Person) -> str:
    return f"{local_time(brief.slot.starts_at, reader.tz)} ({brief.slot.duration_minutes} min)"


def _headline(brief: PanelBrief) -> str:
    return (
        f"*{brief.reference}* · *{safe(brief.candidate_name, 200)}* for"
        f" *{safe(brief.role_title, 200)}* (round {brief.round_number})"
    )


def _logistics(brief: PanelBrief, reader: Person) -> Block:
    resume = (
        link(brief.resume_url, "Open the résumé")
        if brief.resume_url
        else "No résumé link yet: ask the coordinator"
    )
    return fields(
        f"*When* (your time)\n{_when(brief, reader)}",
        f"*Format*\n{FORMAT_LABELS.get(brief.format, brief.format)}",
        f"*Where*\n{safe(brief.location, 500) or 'not set'}",
        f"*Résumé*\n{resume}",
    )


@render_notice.register
def _(notice: PrepReminder, reader: Person) -> Rendered:
    b = notice.brief
    focus = safe(focus_label(notice.focus_area, notice.focus_detail), 200)
    text = (
        f"Reminder: you're on {b.reference}, {escape(b.candidate_name)}'s interview for"
        f" {escape(b.role_title)}, on {_when(b, reader)}. Please review the résumé and the role"
        " before then."
    )
    blocks: list[Block] = [
        section(f":spiral_note_pad: *Prep reminder* — you're interviewing soon.\n{_headline(b)}"),
        _logistics(b, reader),
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
        f"{b.reference} ({escape(b.candidate_name)}) starts {_when(b, reader)}:"
        f" {count} panelist{'s' if count != 1 else ''} not prepared yet."
    )
    lines = "\n".join(f"• {mention(u)}" for u in notice.unprepared)
    blocks: list[Block] = [
        section(f":warning: *Panel not ready:* {_headline(b)}\nStarts {_when(b, reader)}."),
        section(f"*Not confirmed their prep yet*\n{lines}"),
    ]
    if notice.declined:
        gone = "\n".join(
            f"• {mention(u)}{': ' + safe(reason, 200) if reason else ''}"
            for u, reason in notice.declined
        )
        blocks.append(section(safe_section(f"*Can't attend*\n{gone}")))
    blocks += [
        actions(button("Remind them now", ids.PREP_REMIND_NOW, str(b.panel_id), style="primary")),
        context(
            f"You may want to check in with {who} before the start, or"
            f" `/panel reschedule {b.reference}`."
        ),
    ]
    return text, blocks


def safe_section(text: str) -> str:
    return truncate(text, 3000)


@render_notice.register
def _(notice: NudgeFailed, reader: Person) -> Rendered:
    b = notice.brief
    text = (
        f"I couldn't deliver the {notice.what} for {b.reference} to {mention(notice.recipient_id)}:"
        f" {escape(notice.error)}"
    )
    blocks: list[Block] = [
        # ``text`` is mrkdwn already (a mention, an escaped error): cut it, never escape it again.
        section(f":rotating_light: *Delivery failed:* {truncate(text, 2500)}"),
        context(f"{_headline(b)} · {_when(b, reader)} · please reach them another way."),
    ]
    return truncate(text, FALLBACK_TEXT), blocks


@render_notice.register
def _(notice: Digest, reader: Person) -> Rendered:
    """Every notice's own blocks, one after another, within Slack's 50-block limit."""
    parts = [render_notice(item, reader) for item in notice.notices]
    count = len(parts)
    blocks: list[Block] = [header(f"{count} updates from HireBot")]
    shown = 0
    for _text, item_blocks in parts:
        # Keep room for the divider and for the "more" line at the end.
        if len(blocks) + 1 + len(item_blocks) > MAX_MESSAGE_BLOCKS - 1:
            break
        blocks += [divider(), *item_blocks]
        shown += 1
    if shown < count:
        blocks.append(context(f"…and {count - shown} more: `/panel list` shows your panels."))
    text = f"{count} updates: " + " · ".join(t for t, _ in parts)
    return truncate(text, FALLBACK_TEXT), blocks
