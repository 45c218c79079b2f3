"""The Teams home card: an :class:`~bot.home.agenda.Agenda` as one Adaptive Card 1.5.

Teams has no App Home, so the person's home is a card in their chat with the bot, built from
the same agenda as Slack's App Home (``bot.home``): what needs them (with its buttons), their
upcoming panels, and, for the people who run panels, the stalled candidates. Each section
shows one page (ten items) with Previous / Show more.

It stays current through Universal Actions: its ``refresh`` names the reader's Teams id
(``userIds``), so Teams asks the bot for the current card (``adaptiveCard/action``, verb
:data:`HOME_REFRESH`) whenever the reader looks at it, and shows the answer. Buttons reuse the
packets' actions and dialogs, whose handlers check again who clicks; the ones answered in
place carry ``home`` so the answer is the home again, not a packet's.
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
from bot.teams.cards import (
    Card,
    Element,
    card,
    execute,
    heading,
    local_time,
    mention,
    note,
    open_dialog,
    plain,
    text,
)
from bot.teams.notices import CONFIRM_PREP

#: Universal Action verbs of the home card (``adaptiveCard/action``).
HOME_REFRESH = "home.refresh"
HOME_PAGE = "home.page"

TITLES = {
    SectionName.ACTION: "Needs your action",
    SectionName.UPCOMING: "Your upcoming panels",
    SectionName.STALLED: "Stalled",
}
EMPTY = {
    SectionName.ACTION: "✅ Nothing needs you right now.",
    SectionName.UPCOMING: "No upcoming panels.",
    SectionName.STALLED: "✅ No candidate is waiting too long on your panels.",
}
STAGE_WAITING = {
    Stage.FEEDBACK: "feedback",
    Stage.DECISION: "a decision",
    Stage.CANDIDATE_UPDATE: "news of the decision",
}
PREP_TEXT = {
    PrepState.PENDING: "⏳ you have not confirmed yet",
    PrepState.CONFIRMED: "✅ you're prepared",
    PrepState.DECLINED: "⛔ you declined",
}
WELCOME = (
    "HireBot runs your interview panels. This card is your home: what needs you, and your"
    " panels. It stays up to date; type **home** for a fresh copy, **help** for the commands."
)


def _days(n: int) -> str:
    return f"{n} day{'s' if n != 1 else ''}"


def _panel(ref: PanelRef) -> str:
    return (
        f"**{ref.reference}** · {plain(ref.candidate_name, 100)}, {plain(ref.role_title, 100)}"
        f" (round {ref.round_number})"
    )


def _due(due_at: datetime, days_overdue: int, tz: str) -> str:
    if days_overdue > 0:
        return f"was due {local_time(due_at, tz)} · **{_days(days_overdue)} overdue**"
    return f"due {local_time(due_at, tz)}"


def _blocker(blocker: Blocker, tz: str) -> str:
    what = WAITING_FOR[blocker.kind]
    when = (
        f"**{_days(blocker.days_overdue)} overdue**"
        if blocker.overdue
        else f"due {local_time(blocker.due_at, tz)}"
    )
    extra = f", {plain(blocker.note, 200)}" if blocker.note else ""
    return f"{what} {mention(blocker.owner_id)} ({when}{extra})"


def _item(lines: list[str], actions: list[Element]) -> Element:
    items: list[Element] = [text("\n\n".join(lines))]
    if actions:
        items.append({"type": "ActionSet", "actions": actions})
    return {"type": "Container", "separator": True, "items": items}


def _panel_data(ref: PanelRef, pages: str) -> dict[str, Any]:
    return {"panel": ref.panel_id, "home": pages}


# ---------------------------------------------------------------------- the sections
def _action_item(item: ActionItem, tz: str, pages: str) -> Element:
    ref = item.panel
    data = _panel_data(ref, pages)
    if item.kind is ActionKind.REVIEW_PACKET:
        planned = (
            f" · {item.planned_questions} question{'s' if item.planned_questions != 1 else ''}"
            " planned"
            if item.planned_questions
            else ""
        )
        lines = [
            f"📄 **Review your prep packet** · {_panel(ref)}",
            f"The panel starts {local_time(ref.starts_at, tz)}{planned}.",
        ]
        actions = [
            execute("I've reviewed the materials", CONFIRM_PREP, data, style="positive"),
            open_dialog("Plan my questions", "plan", data),
            open_dialog("I can't attend", "decline", data),
        ]
    elif item.kind is ActionKind.SUBMIT_FEEDBACK:
        lines = [
            f"📝 **Submit your feedback** · {_panel(ref)}",
            f"The panel ended {local_time(ref.ends_at, tz)};"
            f" feedback {_due(item.due_at, item.days_overdue, tz)}.",
        ]
        actions = [open_dialog("Submit feedback", "feedback", data)]
    elif item.kind is ActionKind.DECIDE:
        extra = f" ({plain(item.note, 300)})" if item.note else ""
        lines = [
            f"⚖️ **Make a decision** · {_panel(ref)}",
            f"All feedback is in{extra}; decision {_due(item.due_at, item.days_overdue, tz)}.",
        ]
        actions = [open_dialog("Record a decision", "decide", data)]
    else:
        if item.waiting_since is not None:
            waiting = STAGE_WAITING.get(item.stage, "news") if item.stage else "news"
            why = (
                "The candidate has not heard from us since"
                f" {local_time(item.waiting_since, tz)} (still waiting for {waiting})"
            )
        else:
            decided = plain(item.note.removeprefix("decided: "), 100) if item.note else ""
            why = f"Decided{': ' + decided if decided else ''}"
        lines = [
            f"💬 **Update the candidate** · {_panel(ref)}",
            f"{why}; update {_due(item.due_at, item.days_overdue, tz)}.",
        ]
        actions = [open_dialog("I've updated the candidate", "candidate_updated", data)]
    return _item(lines, actions)


def _upcoming_item(item: UpcomingItem, tz: str, pages: str) -> Element:
    ref = item.panel
    detail = [f"You: {', '.join(item.roles)}"]
    if item.prep is not None:
        detail.append(PREP_TEXT[item.prep])
    if item.readiness is not None:
        r = item.readiness
        declined = f", {r.declined} declined" if r.declined else ""
        detail.append(f"{r.confirmed} of {r.total} panelists confirmed{declined}")
    lines = [
        f"**{ref.reference}** · {local_time(ref.starts_at, tz)} ·"
        f" {plain(ref.candidate_name, 100)}, {plain(ref.role_title, 100)}"
        f" (round {ref.round_number})",
        " · ".join(detail),
    ]
    actions = []
    if item.prep in (PrepState.PENDING, PrepState.CONFIRMED):
        actions.append(open_dialog("Plan my questions", "plan", _panel_data(ref, pages)))
    return _item(lines, actions)


def _stalled_item(item: StalledItem, reader: Person, pages: str) -> Element:
    tz = reader.tz
    lines = [f"🚨 {_panel(item.panel)}"]
    if item.blockers:
        lines.append("Waiting on " + "; ".join(_blocker(b, tz) for b in item.blockers))
    else:
        lines.append(f"Waiting for {STAGE_WAITING.get(item.stage, 'news')}")
    clock = f"The candidate last heard from us {local_time(item.waiting_since, tz)}"
    if item.update_days_overdue > 0:
        clock += f"; an update is **{_days(item.update_days_overdue)} overdue**"
    else:
        clock += f"; an update is due {local_time(item.update_due_at, tz)}"
    lines.append(clock)
    data = _panel_data(item.panel, pages)
    mine = {b.kind for b in item.blockers if b.owner_id == reader.id}
    actions = []
    if BlockerKind.DECISION in mine:
        actions.append(open_dialog("Record a decision", "decide", data))
    elif BlockerKind.CANDIDATE_UPDATE in mine or (
        item.recruiter_id == reader.id and item.update_days_overdue > 0
    ):
        actions.append(open_dialog("I've updated the candidate", "candidate_updated", data))
    elif BlockerKind.FEEDBACK in mine:
        actions.append(open_dialog("Submit feedback", "feedback", data))
    return _item(lines, actions)


def _pager(agenda: Agenda, page: Section[Any]) -> list[Element]:
    if page.total <= page.page_size:
        return []
    first, last = page.start + 1, page.start + len(page.items)
    out: list[Element] = [note(f"Showing {first}–{last} of {page.total}")]
    buttons = []
    if page.has_previous:
        pages = agenda.pages.with_page(page.name, page.page - 1).encode()
        buttons.append(execute("Previous", HOME_PAGE, {"pages": pages}))
    if page.remaining:
        pages = agenda.pages.with_page(page.name, page.page + 1).encode()
        buttons.append(execute(f"Show more ({page.remaining} more)", HOME_PAGE, {"pages": pages}))
    if buttons:
        out.append({"type": "ActionSet", "actions": buttons})
    return out


def _section(agenda: Agenda, page: Section[Any], render: Callable[[Any], Element]) -> list[Element]:
    count = f" ({page.total})" if page.total else ""
    items: list[Element] = [text(f"{TITLES[page.name]}{count}", weight="Bolder", size="Medium")]
    if not page.items:
        items.append(text(EMPTY[page.name]))
    items += [render(item) for item in page.items]
    items += _pager(agenda, page)
    return [{"type": "Container", "separator": True, "spacing": "Large", "items": items}]


# ---------------------------------------------------------------------- the card
def home_card(
    agenda: Agenda,
    reader: Person,
    *,
    may_schedule: bool,
    teams_user_id: str = "",
    welcome: bool = False,
    problem: str = "",
) -> Card:
    """The reader's home. ``teams_user_id`` (their Teams id, ``29:…``) turns on the automatic
    refresh for them alone; ``problem`` is said on top (a button that was refused)."""
    tz = reader.tz
    pages = agenda.pages.encode()
    body: list[Element] = [heading("HireBot: your panels")]
    if welcome:
        body.append(text(WELCOME))
    if problem:
        body.append(text(f"⚠️ {plain(problem, 500)}", color="Attention"))
    body.append(note(f"Updated {local_time(agenda.now, tz)} · times in your zone"))
    body += _section(agenda, agenda.action, lambda i: _action_item(i, tz, pages))
    body += _section(agenda, agenda.upcoming, lambda i: _upcoming_item(i, tz, pages))
    if agenda.stalled is not None:
        body += _section(agenda, agenda.stalled, lambda i: _stalled_item(i, reader, pages))
    refresh_action = execute("Refresh", HOME_REFRESH, {"pages": pages})
    actions = [refresh_action]
    if may_schedule:
        actions.insert(0, open_dialog("Schedule a panel", "schedule", {"candidate": ""}))
    refresh = None
    if teams_user_id:
        refresh = {"action": refresh_action, "userIds": [teams_user_id]}
    return card(body, actions, refresh=refresh)


def retired_card() -> Card:
    """What an older home card becomes when a newer one is sent: no refresh, no buttons."""
    return card([note("This was your HireBot home; the current one is further down this chat.")])
