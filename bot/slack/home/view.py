"""Block Kit for App Home: an :class:`~bot.home.agenda.Agenda` as a ``home`` view.

Every section shows one page (at most ten items) with "Showing 11–20 of 34" and Previous /
Show more buttons that re-publish the home at another page, so the view stays well inside
Slack's 100 blocks however much there is. Times are in the reader's zone; user text is escaped.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any

from bot.followup.labels import WAITING_FOR
from bot.followup.progress import Blocker, BlockerKind, Stage
from bot.home.agenda import (
    ActionItem,
    ActionKind,
    Agenda,
    PanelRef,
    PrepState,
    Section,
    SectionName,
    StalledItem,
    UpcomingItem,
)
from bot.people import Person
from bot.slack import ids
from bot.slack.blocks import Block, actions, button, context, divider, header, section
from bot.slack.text import local_time, mention, plural, safe

MAX_HOME_BLOCKS = 100

TITLES = {
    SectionName.ACTION: "Needs your action",
    SectionName.UPCOMING: "Your upcoming panels",
    SectionName.STALLED: "Stalled",
}
EMPTY = {
    SectionName.ACTION: ":white_check_mark: Nothing needs you right now.",
    SectionName.UPCOMING: "No upcoming panels.",
    SectionName.STALLED: ":white_check_mark: No candidate is waiting too long on your panels.",
}
STAGE_WAITING = {
    Stage.FEEDBACK: "feedback",
    Stage.DECISION: "a decision",
    Stage.CANDIDATE_UPDATE: "news of the decision",
}


# ---------------------------------------------------------------------- small pieces
def _panel(ref: PanelRef) -> str:
    return (
        f"*{ref.reference}* · {safe(ref.candidate_name, 100)}, {safe(ref.role_title, 100)}"
        f" (round {ref.round_number})"
    )


def _due(due_at: datetime, days_overdue: int, tz: str) -> str:
    if days_overdue > 0:
        return f"was due {local_time(due_at, tz)} · *{plural(days_overdue, 'day')} overdue*"
    return f"due {local_time(due_at, tz)}"


def _blocker(blocker: Blocker, tz: str) -> str:
    what = WAITING_FOR[blocker.kind]
    when = (
        f"*{plural(blocker.days_overdue, 'day')} overdue*"
        if blocker.overdue
        else f"due {local_time(blocker.due_at, tz)}"
    )
    note = f", {safe(blocker.note, 200)}" if blocker.note else ""
    return f"{what} {mention(blocker.owner_id)} ({when}{note})"


# ---------------------------------------------------------------------- needs your action
def _action_item(item: ActionItem, tz: str) -> list[Block]:
    value = str(item.panel.panel_id)
    ref = _panel(item.panel)
    if item.kind is ActionKind.REVIEW_PACKET:
        planned = (
            f" · {item.planned_questions} question{'s' if item.planned_questions != 1 else ''}"
            " planned"
            if item.planned_questions
            else ""
        )
        text = (
            f":page_facing_up: *Review your prep packet* · {ref}\n"
            f"The panel starts {local_time(item.panel.starts_at, tz)}{planned}."
        )
        buttons = [
            button("I've reviewed the materials", ids.PREP_CONFIRM, value, style="primary"),
            button("Plan my questions", ids.PREP_PLAN_QUESTIONS, value),
            button("I can't attend", ids.PREP_DECLINE, value),
        ]
    elif item.kind is ActionKind.SUBMIT_FEEDBACK:
        text = (
            f":memo: *Submit your feedback* · {ref}\n"
            f"The panel ended {local_time(item.panel.ends_at, tz)};"
            f" feedback {_due(item.due_at, item.days_overdue, tz)}."
        )
        buttons = [button("Submit feedback", ids.FEEDBACK_OPEN, value, style="primary")]
    elif item.kind is ActionKind.DECIDE:
        note = f" ({safe(item.note, 300)})" if item.note else ""
        text = (
            f":scales: *Make a decision* · {ref}\n"
            f"All feedback is in{note}; decision {_due(item.due_at, item.days_overdue, tz)}."
        )
        buttons = [button("Record a decision", ids.DECISION_OPEN, value, style="primary")]
    else:
        if item.waiting_since is not None:
            waiting = STAGE_WAITING.get(item.stage, "news") if item.stage else "news"
            why = (
                f"The candidate has not heard from us since"
                f" {local_time(item.waiting_since, tz)} (still waiting for {waiting})"
            )
        else:
            why = f"Decided{': ' + safe(item.note.removeprefix('decided: '), 100) if item.note else ''}"
        text = (
            f":speech_balloon: *Update the candidate* · {ref}\n"
            f"{why}; update {_due(item.due_at, item.days_overdue, tz)}."
        )
        buttons = [
            button("I've updated the candidate", ids.CANDIDATE_UPDATED_OPEN, value, style="primary")
        ]
    return [section(text), actions(*buttons)]


# ---------------------------------------------------------------------- upcoming
PREP_TEXT = {
    PrepState.PENDING: ":hourglass_flowing_sand: you have not confirmed yet",
    PrepState.CONFIRMED: ":white_check_mark: you're prepared",
    PrepState.DECLINED: ":no_entry_sign: you declined",
}


def _upcoming_item(item: UpcomingItem, tz: str) -> list[Block]:
    lines = [
        f"*{item.panel.reference}* · {local_time(item.panel.starts_at, tz)} ·"
        f" {safe(item.panel.candidate_name, 100)}, {safe(item.panel.role_title, 100)}"
        f" (round {item.panel.round_number})"
    ]
    detail = [f"You: {', '.join(item.roles)}"]
    if item.prep is not None:
        detail.append(PREP_TEXT[item.prep])
    if item.readiness is not None:
        r = item.readiness
        declined = f", {r.declined} declined" if r.declined else ""
        detail.append(f"{r.confirmed} of {r.total} panelists confirmed{declined}")
    lines.append(" · ".join(detail))
    block = section("\n".join(lines))
    if item.prep in (PrepState.PENDING, PrepState.CONFIRMED):
        block["accessory"] = button(
            "Plan my questions", ids.PREP_PLAN_QUESTIONS, str(item.panel.panel_id)
        )
    return [block]


# ---------------------------------------------------------------------- stalled
def _stalled_item(item: StalledItem, reader: Person) -> list[Block]:
    tz = reader.tz
    waiting = STAGE_WAITING.get(item.stage, "news")
    lines = [f":rotating_light: {_panel(item.panel)}"]
    if item.blockers:
        lines.append("Waiting on " + "; ".join(_blocker(b, tz) for b in item.blockers))
    else:
        lines.append(f"Waiting for {waiting}")
    clock = f"The candidate last heard from us {local_time(item.waiting_since, tz)}"
    if item.update_days_overdue > 0:
        clock += f"; an update is *{plural(item.update_days_overdue, 'day')} overdue*"
    else:
        clock += f"; an update is due {local_time(item.update_due_at, tz)}"
    lines.append(clock)
    block = section("\n".join(lines))
    value = str(item.panel.panel_id)
    mine = {b.kind for b in item.blockers if b.owner_id == reader.id}
    if BlockerKind.DECISION in mine:
        block["accessory"] = button("Record a decision", ids.DECISION_OPEN, value)
    elif BlockerKind.CANDIDATE_UPDATE in mine:
        block["accessory"] = button("I've updated the candidate", ids.CANDIDATE_UPDATED_OPEN, value)
    elif BlockerKind.FEEDBACK in mine:
        block["accessory"] = button("Submit feedback", ids.FEEDBACK_OPEN, value)
    elif item.recruiter_id == reader.id and item.update_days_overdue > 0:
        # The candidate-update clock is the recruiter's, whoever blocks the rest.
        block["accessory"] = button("I've updated the candidate", ids.CANDIDATE_UPDATED_OPEN, value)
    return [block]


# ---------------------------------------------------------------------- sections and pages
def _pager(agenda: Agenda, page: Section[Any]) -> list[Block]:
    if page.total <= page.page_size:
        return []
    first, last = page.start + 1, page.start + len(page.items)
    blocks: list[Block] = [context(f"Showing {first}–{last} of {page.total}")]
    buttons = []
    if page.has_previous:
        value = agenda.pages.with_page(page.name, page.page - 1).encode()
        buttons.append(button("Previous", ids.HOME_PAGE, value))
    if page.remaining:
        value = agenda.pages.with_page(page.name, page.page + 1).encode()
        buttons.append(button(f"Show more ({page.remaining} more)", ids.HOME_PAGE, value))
    if buttons:
        blocks.append(actions(*buttons, block_id=f"home_page_{page.name.value}"))
    return blocks


def _section(
    agenda: Agenda, page: Section[Any], render: Callable[[Any], list[Block]]
) -> list[Block]:
    count = f" ({page.total})" if page.total else ""
    blocks: list[Block] = [divider(), header(f"{TITLES[page.name]}{count}")]
    if not page.items:
        blocks.append(section(EMPTY[page.name]))
    for item in page.items:
        blocks += render(item)
    return blocks + _pager(agenda, page)


def home_view(agenda: Agenda, reader: Person, *, may_schedule: bool) -> dict[str, Any]:
    """The whole tab. Its size is bounded by the page sizes, not by the person's workload."""
    tz = reader.tz
    top = []
    if may_schedule:
        top.append(button("Schedule a panel", ids.OPEN_SCHEDULER, style="primary"))
    top.append(button("Refresh", ids.HOME_REFRESH, agenda.pages.encode()))
    blocks: list[Block] = [
        header("HireBot"),
        actions(*top, block_id="home_top"),
        context(f"Updated {local_time(agenda.now, tz)} · times in your zone"),
        *_section(agenda, agenda.action, lambda i: _action_item(i, tz)),
        *_section(agenda, agenda.upcoming, lambda i: _upcoming_item(i, tz)),
    ]
    if agenda.stalled is not None:
        blocks += _section(agenda, agenda.stalled, lambda i: _stalled_item(i, reader))
    return {"type": "home", "blocks": _fit(blocks)}


def _fit(blocks: list[Block]) -> list[Block]:
    """A last guard: never publish more than Slack accepts (the page sizes keep us far below)."""
    if len(blocks) <= MAX_HOME_BLOCKS:
        return blocks
    return [*blocks[: MAX_HOME_BLOCKS - 1], context("…more than fits here; use the pages above.")]
