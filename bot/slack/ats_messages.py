"""Block Kit for the ATS notices (``bot.ats.notices``)."""

from __future__ import annotations

from bot.ats.notices import AtsNote
from bot.people import Person
from bot.slack.blocks import Block, context, section
from bot.slack.messages import Rendered, render_notice
from bot.slack.text import escape, link, safe


@render_notice.register
def _(notice: AtsNote, _reader: Person) -> Rendered:
    where = f"{notice.reference} · " if notice.reference else ""
    title = f"*{safe(notice.headline, 300)}*\n{where}{safe(notice.candidate_name, 200)}, from {safe(notice.source, 40)}"
    blocks: list[Block] = [section(title)]
    if notice.people:
        shown = "\n".join(f"• {safe(p, 200)}" for p in notice.people[:20])
        more = f"\n…and {len(notice.people) - 20} more" if len(notice.people) > 20 else ""
        blocks.append(section(shown + more))
    for line in notice.lines[:10]:
        blocks.append(section(safe(line, 2500)))
    if notice.link:
        blocks.append(context(link(notice.link, f"Open in {notice.source}")))
    text = f"{escape(notice.headline)} ({where}{escape(notice.candidate_name)})"
    return text, blocks


def status_blocks(
    source: str, candidate_url: str, unmatched: list[str], updated: str
) -> list[Block]:
    """``/panel status`` for a panel that came from the ATS: where from, and who it named that
    chat does not know (left off the panel)."""
    where = f"From {safe(source, 40)}" + (
        f" · {link(candidate_url, f'open in {source}')}" if candidate_url else ""
    )
    text = f"{where} · last change there {updated}"
    if unmatched:
        text += " · not found in chat: " + ", ".join(safe(u, 120) for u in unmatched[:5])
    return [context(text)]
