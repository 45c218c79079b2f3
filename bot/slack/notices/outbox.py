"""Block Kit for what the outbox itself says: a delivery that failed, and a digest of notices.

A failure is built from a ``PanelBrief`` and the reader's zone alone, so it needs no directory
lookups.
"""

from __future__ import annotations

from bot.panels.notices import NudgeFailed
from bot.people import Person
from bot.platform import Digest
from bot.slack.blocks import Block, context, divider, header, section
from bot.slack.pieces import headline, when
from bot.slack.render import MAX_MESSAGE_BLOCKS, Rendered, render_notice
from bot.slack.text import FALLBACK_TEXT, escape, mention, truncate


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
        context(f"{headline(b)} · {when(b.slot, reader.tz)} · please reach them another way."),
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
