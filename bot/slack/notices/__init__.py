"""Block Kit for every notice of the port, one module per domain. Each registers its renderers
on ``bot.slack.render.render_notice``; importing this package registers them all."""

from bot.slack.notices import ats, followup, outbox, panel, prep

__all__ = ["ats", "followup", "outbox", "panel", "prep"]
