"""What every Slack message is: a fallback text and its blocks, and ``render_notice``, which
turns any notice of the port (``bot.platform.Notice``) into one.

The renderers register themselves per domain in ``bot.slack.notices``; importing that package
(the Slack platform does) registers them all.
"""

from __future__ import annotations

from functools import singledispatch

from bot.people import Person
from bot.platform import Notice
from bot.slack.blocks import Block

#: Slack's limit of blocks in one message.
MAX_MESSAGE_BLOCKS = 50

Rendered = tuple[str, list[Block]]


@singledispatch
def render_notice(notice: Notice, reader: Person) -> Rendered:
    raise TypeError(f"no Slack rendering for {type(notice).__name__}")
