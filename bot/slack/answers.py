"""Block Kit for the answers to commands that read a panel: ``/panel status`` for now, from
the core's ``PanelStatus`` (``bot.panels.status``)."""

from __future__ import annotations

from bot.panels.status import PanelStatus
from bot.people import Person
from bot.slack import followup_messages, messages, prep_messages, question_views
from bot.slack.messages import Rendered


def status(report: PanelStatus, reader: Person) -> Rendered:
    after = (
        followup_messages.followup_status(report.summary, report.after, reader)
        if (report.after is not None)
        else None
    )
    text, blocks = messages.status(
        report.summary,
        list(report.warnings),
        reader,
        readiness=prep_messages.readiness_blocks(report.readiness),
        followup=after or None,
    )
    if report.coverage is not None:
        blocks += question_views.coverage_blocks(report.coverage)
    return text, blocks
