"""Answers rendered once per report: the read cache (``bot.changes.readcache``) hands out the
same report object on every hit until the next change or minute, so its Block Kit is built once
too. Rendering ``/panel stalled`` for 48 candidates took longer than everything else a cached
answer does.

A render is kept under the report's identity and the reader (zone and name shape the text),
with a reference to the report so its identity cannot be reused while kept. Each caller gets
its own list of blocks, so one can append (status adds the ATS origin) without touching the
others'.
"""

from __future__ import annotations

import functools
from collections import OrderedDict
from collections.abc import Callable
from typing import TypeVar

from bot.people import Person
from bot.slack.render import Rendered

R = TypeVar("R")

#: Renders kept per renderer: a few per person asking, as the read cache keeps answers.
KEPT = 256


def per_report(render: Callable[[R, Person], Rendered]) -> Callable[[R, Person], Rendered]:
    kept: OrderedDict[tuple[int, Person], tuple[R, Rendered]] = OrderedDict()

    @functools.wraps(render)
    def rendered_once(report: R, reader: Person) -> Rendered:
        key = (id(report), reader)
        found = kept.get(key)
        if found is not None and found[0] is report:
            kept.move_to_end(key)
            text, blocks = found[1]
        else:
            text, blocks = render(report, reader)
            kept[key] = (report, (text, blocks))
            if len(kept) > KEPT:
                kept.popitem(last=False)
        return text, list(blocks)

    return rendered_once
