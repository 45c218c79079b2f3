"""Block Kit for the ATS notices (``bot.ats.notices``)."""

from __future__ import annotations

from bot.ats.notices import AtsNote
from bot.people import Person
from bot.slack.blocks import Block, context, section
from bot.slack.render import Rendered, render_notice
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
