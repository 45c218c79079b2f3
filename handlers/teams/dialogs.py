"""Dialogs (task modules): every Slack modal as an Adaptive Card form, checked by the core.

``task/fetch`` opens a form (``Dialogs.open``); ``task/submit`` checks it with the same core
functions Slack's modals use (``check_basics``, ``check_slot``, ``check_feedback``...). A field
error comes back inside the dialog (``continue`` with the same form), in red right under its
field, with everything the person typed kept; success closes the dialog with a short message.

Each form carries a ``form`` nonce made when it was opened: the same form submitted twice (a
double click, a retried request) is one submission for the core's ``AlreadyApplied`` check.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Sequence
from datetime import datetime
from typing import Any

from bot.changes.pipeline import AlreadyApplied
from bot.followup.forms import check_feedback, check_reason, check_update_note, parse_outcome
from bot.followup.labels import OUTCOME_LABELS, RATING_LABELS, RECOMMENDATION_LABELS
from bot.panels import bounds
from bot.panels.flows import PEOPLE_CHECK_BUDGET
from bot.panels.labels import FOCUS_LABELS, FORMAT_LABELS, PERSPECTIVE_LABELS, focus_label
from bot.panels.request import (
    PanelBasics,
    assignment_fields,
    check_assignments,
    check_basics,
    check_slot,
)
from bot.panels.service import NotACoordinator, PanelClosed, SlotUnchanged
from bot.people import COMMON_ZONES, zone_or_utc
from bot.prep.service import ReplacementProblem
from bot.questions import plan as plan_text
from bot.teams.cards import Element, card, fill_mentions, heading, mention, note, plain, text
from bot.workspaces import teams_workspace

Errors = dict[str, str]
Raw = dict[str, Any]

#: Teams' people picker: a ChoiceSet whose choices come from the tenant's directory.
PEOPLE = {"type": "Data.Query", "dataset": "graph.microsoft.com/users"}


# ---------------------------------------------------------------------- form parts
def _value(raw: Raw, name: str) -> str:
    value = raw.get(name)
    if isinstance(value, list):
        return ",".join(str(v) for v in value)
    return "" if value is None else str(value)


def _error(name: str, errors: Errors) -> list[Element]:
    if name not in errors:
        return []
    return [
        text(
            f"⚠️ {plain(errors[name], 300)}",
            color="Attention",
            spacing="None",
            size="Small",
            id=f"{name}-error",
        )
    ]


def text_field(
    name: str,
    label: str,
    raw: Raw,
    errors: Errors,
    bound: bounds.Bound | None = None,
    *,
    required: bool = False,
    placeholder: str = "",
    multiline: bool | None = None,
) -> list[Element]:
    field: Element = {"type": "Input.Text", "id": name, "label": label, "value": _value(raw, name)}
    if bound is not None:
        # A generous client-side cap; the server checks the real bound whatever is sent.
        field["maxLength"] = bound.max_length * 2
        field["isMultiline"] = bound.multiline if multiline is None else multiline
    if placeholder:
        field["placeholder"] = placeholder
    if required:
        field["isRequired"] = True
        field["errorMessage"] = "Required"
    return [field, *_error(name, errors)]


def choice_field(
    name: str,
    label: str,
    raw: Raw,
    errors: Errors,
    choices: Sequence[tuple[str, str]],
    *,
    required: bool = True,
    expanded: bool = False,
) -> list[Element]:
    field: Element = {
        "type": "Input.ChoiceSet",
        "id": name,
        "label": label,
        "value": _value(raw, name),
        "choices": [{"title": title, "value": value} for value, title in choices],
        "style": "expanded" if expanded else "compact",
    }
    if required:
        field["isRequired"] = True
        field["errorMessage"] = "Required"
    return [field, *_error(name, errors)]


def people_field(
    name: str,
    label: str,
    raw: Raw,
    errors: Errors,
    names: dict[str, str],
    *,
    multiple: bool = False,
    required: bool = True,
) -> list[Element]:
    """Teams' people picker over the tenant's directory; people already chosen stay chosen
    (their names given as choices, so the picker shows them)."""
    chosen = [v for v in _value(raw, name).split(",") if v]
    field: Element = {
        "type": "Input.ChoiceSet",
        "id": name,
        "label": label,
        "isMultiSelect": multiple,
        "value": ",".join(chosen),
        "choices": [{"title": names.get(v, v), "value": v} for v in chosen],
        "choices.data": PEOPLE,
    }
    if required:
        field["isRequired"] = True
        field["errorMessage"] = "Required"
    return [field, *_error(name, errors)]


def date_field(name: str, label: str, raw: Raw, errors: Errors) -> list[Element]:
    field = {"type": "Input.Date", "id": name, "label": label, "value": _value(raw, name)}
    return [field, *_error(name, errors)]


def time_field(name: str, label: str, raw: Raw, errors: Errors) -> list[Element]:
    field = {"type": "Input.Time", "id": name, "label": label, "value": _value(raw, name)}
    return [field, *_error(name, errors)]


def form(
    title: str, body: list[Element], submit: str, data: dict[str, Any], *, width: str = "medium"
) -> dict[str, Any]:
    data = {"form": data.get("form") or uuid.uuid4().hex, **data}
    content = card(
        [heading(title), *body], [{"type": "Action.Submit", "title": submit, "data": data}]
    )
    return {
        "task": {
            "type": "continue",
            "value": {
                "title": title[:60],
                "width": width,
                "height": "large",
                "card": {
                    "contentType": "application/vnd.microsoft.card.adaptive",
                    "content": content,
                },
            },
        }
    }


def done(words: str) -> dict[str, Any]:
    """Close the dialog with a short message."""
    return {"task": {"type": "message", "value": words[:300]}}


def _slot_fields(raw: Raw, errors: Errors) -> list[Element]:
    zone = _value(raw, "timezone")
    zones = list(COMMON_ZONES) if zone in COMMON_ZONES or not zone else [zone, *COMMON_ZONES]
    return [
        *date_field("start_date", "Date", raw, errors),
        *time_field("start_time", "Start time", raw, errors),
        *choice_field("timezone", "Time zone", raw, errors, [(z, z) for z in zones]),
        *text_field("duration", "Duration (minutes)", raw, errors, required=True, placeholder="60"),
    ]


def slot_raw(starts_at: datetime, tz: str, duration: int) -> Raw:
    local = starts_at.astimezone(zone_or_utc(tz))
    return {
        "start_date": local.date().isoformat(),
        "start_time": f"{local:%H:%M}",
        "timezone": tz,
        "duration": str(duration),
    }


def _ids(raw: Raw, name: str) -> list[str]:
    value = raw.get(name)
    items = value if isinstance(value, list) else str(value or "").split(",")
    return [str(v).strip().lower() for v in items if str(v).strip()]


def normalise(raw: Raw) -> Raw:
    """A dialog's values in the shape the core's checks read (Slack's modal values): people
    pickers' comma-separated ids as lists, single pickers as one id."""
    out = dict(raw)
    for name in ("panelists", "prior_interviewers"):
        out[name] = _ids(raw, name)
    for name in ("hiring_manager", "recruiter"):
        chosen = _ids(raw, name)
        out[name] = chosen[0] if chosen else ""
    return out


# ---------------------------------------------------------------------- the dialogs
class Dialogs:
    def __init__(self, services: Any, handlers: Any) -> None:
        self.services = services
        self.handlers = handlers
        self._opens: dict[str, Callable[..., Any]] = {
            "schedule": self.open_schedule,
            "reschedule": self.open_reschedule,
            "cancel": self.open_cancel,
            "decline": self.open_decline,
            "replace": self.open_replace,
            "plan": self.open_plan,
            "feedback": self.open_feedback,
            "decide": self.open_decide,
            "candidate_updated": self.open_candidate_updated,
        }
        self._submits: dict[str, Callable[..., Any]] = {
            "schedule": self.submit_schedule,
            "schedule_focus": self.submit_focus,
            "reschedule": self.submit_reschedule,
            "cancel": self.submit_cancel,
            "decline": self.submit_decline,
            "replace": self.submit_replace,
            "plan": self.submit_plan,
            "feedback": self.submit_feedback,
            "decide": self.submit_decide,
            "candidate_updated": self.submit_candidate_updated,
        }

    async def _names(self, ids: Sequence[str]) -> dict[str, str]:
        if not ids:
            return {}
        people = await self.services.flows.directory.people(list(ids), within=PEOPLE_CHECK_BUDGET)
        return {i: p.name for i, p in people.items() if p.known}

    async def open(self, user_id: str, data: Raw) -> dict[str, Any]:
        from handlers.teams.listeners import Refusal, refusal_text

        opener = self._opens.get(str(data.get("dialog") or ""))
        if opener is None:
            return done("That button is out of date.")
        try:
            return await opener(user_id, data)
        except Refusal as refusal:
            return done(refusal_text(refusal))

    async def submit(self, user_id: str, data: Raw) -> dict[str, Any]:
        from handlers.teams.listeners import Refusal, refusal_text

        submitter = self._submits.get(str(data.get("dialog") or ""))
        if submitter is None:
            return done("That form is out of date.")
        try:
            return await submitter(user_id, data)
        except AlreadyApplied:
            return done("Already done: that form was sent before.")
        except Refusal as refusal:
            return done(refusal_text(refusal))

    @staticmethod
    def _panel_id(data: Raw) -> int:
        try:
            return int(str(data.get("panel")))
        except (TypeError, ValueError):
            return 0

    @staticmethod
    def _submission(user_id: str, data: Raw, what: str) -> str:
        return f"teams:{what}:{user_id}:{data.get('form') or uuid.uuid4().hex}"[:255]

    # ------------------------------------------------------------------ scheduling
    async def schedule_form(
        self, raw: Raw, errors: Errors, form_id: str | None = None
    ) -> dict[str, Any]:
        picked = _ids(raw, "panelists") + _ids(raw, "hiring_manager") + _ids(raw, "recruiter")
        names = await self._names(picked + _ids(raw, "prior_interviewers"))
        formats = list(FORMAT_LABELS.items())
        body = [
            *_error("form", errors),
            *text_field("candidate", "Candidate", raw, errors, bounds.CANDIDATE, required=True),
            *text_field("role_title", "Role title", raw, errors, bounds.ROLE_TITLE, required=True),
            *text_field(
                "responsibilities",
                "The role's responsibilities",
                raw,
                errors,
                bounds.RESPONSIBILITIES,
                required=True,
            ),
            *text_field("round", "Round", raw, errors, placeholder="2"),
            *_slot_fields(raw, errors),
            *choice_field("format", "Format", raw, errors, formats),
            *text_field(
                "location", "Room or video link", raw, errors, bounds.LOCATION, required=True
            ),
            *people_field("panelists", "Panelists (1–8)", raw, errors, names, multiple=True),
            *people_field("hiring_manager", "Hiring manager", raw, errors, names),
            *people_field("recruiter", "Recruiter", raw, errors, names),
            *text_field("resume_url", "Résumé link", raw, errors, bounds.RESUME_URL),
            *text_field("prior_notes", "Round-1 notes", raw, errors, bounds.PRIOR_NOTES),
            *text_field(
                "prior_questions",
                "Questions round 1 already asked (one per line)",
                raw,
                errors,
                bounds.PRIOR_QUESTIONS,
            ),
            *people_field(
                "prior_interviewers",
                "Round-1 interviewers",
                raw,
                errors,
                names,
                multiple=True,
                required=False,
            ),
        ]
        data = {"dialog": "schedule", **({"form": form_id} if form_id else {})}
        return form("Schedule a panel", body, "Next: each panelist's focus", data, width="large")

    async def open_schedule(self, user_id: str, data: Raw) -> dict[str, Any]:
        if not self.services.settings.is_coordinator(user_id):
            return done(str(NotACoordinator()))
        me = await self.handlers.person(user_id)
        now = self.services.clock.now()
        raw = {
            "candidate": str(data.get("candidate") or "")[:200],
            "round": "2",
            "duration": "60",
            "format": "conversation",
            "timezone": me.tz,
            "start_date": now.astimezone(me.zone).date().isoformat(),
        }
        return await self.schedule_form(raw, {})

    async def submit_schedule(self, user_id: str, data: Raw) -> dict[str, Any]:
        if not self.services.settings.is_coordinator(user_id):
            return done(str(NotACoordinator()))
        raw = normalise(data)
        checked = check_basics(raw, self.services.clock.now())
        if not checked.errors:
            checked.errors = await self.services.flows.people_problems(checked.value)
        if checked.errors:
            return await self.schedule_form(data, checked.errors, str(data.get("form") or ""))
        basics: PanelBasics = checked.value
        draft_id = await self.services.panels.save_draft(user_id, basics)
        earlier = await self.services.panels.earlier_candidate(
            basics.candidate_name, basics.role_title
        )
        return await self.focus_form(basics, draft_id, earlier, {}, {})

    async def focus_form(
        self, basics: PanelBasics, draft_id: str, earlier: Any, raw: Raw, errors: Errors
    ) -> dict[str, Any]:
        names = await self._names(basics.panelist_ids)
        body: list[Element] = [
            text(
                f"**{plain(basics.candidate_name, 200)}** for **{plain(basics.role_title, 200)}**"
            ),
            *_error("form", errors),
        ]
        for user_id in basics.panelist_ids:
            focus, detail, perspective = assignment_fields(user_id)
            body.append(text(f"**{plain(names.get(user_id, user_id), 100)}**", separator=True))
            body += choice_field(focus, "Focus area", raw, errors, list(FOCUS_LABELS.items()))
            body += text_field(detail, "Focus (when Other)", raw, errors, bounds.FOCUS_DETAIL)
            body += choice_field(
                perspective, "Perspective", raw, errors, list(PERSPECTIVE_LABELS.items())
            )
        if earlier is not None:
            next_round = max(basics.round_number, earlier.next_round)
            reuse = f"reuse:{earlier.candidate_id}"
            same = {"same_candidate": raw.get("same_candidate") or reuse}
            body += choice_field(
                "same_candidate",
                "Same candidate as before?",
                same,
                errors,
                [
                    (reuse, f"Yes: {plain(earlier.name, 40)}'s round {next_round}"),
                    ("new", "No, a different person with that name"),
                ],
                expanded=True,
            )
        return form(
            "Schedule a panel: the panel",
            body,
            "Schedule",
            {"dialog": "schedule_focus", "draft": draft_id},
            width="large",
        )

    async def submit_focus(self, user_id: str, data: Raw) -> dict[str, Any]:
        draft_id = str(data.get("draft") or "")
        basics = await self.services.panels.load_draft(user_id, draft_id)
        if basics is None or not self.services.settings.is_coordinator(user_id):
            return done("This form has expired. Type “new” to start again.")
        checked = check_assignments(data, basics.panelist_ids)
        earlier = await self.services.panels.earlier_candidate(
            basics.candidate_name, basics.role_title
        )
        if not checked.errors and basics.slot.starts_at <= self.services.clock.now():
            checked.errors = {"form": "The start time has passed. Start again with a new one."}
        if checked.errors:
            return await self.focus_form(basics, draft_id, earlier, data, checked.errors)
        same = str(data.get("same_candidate") or "")
        candidate_id = int(same[6:]) if same.startswith("reuse:") and same[6:].isdigit() else None
        tenant = str(self.services.settings.teams_tenant_id or "")
        workspace_id = await teams_workspace(self.services.db, tenant, self.services.clock.now())
        panel = await self.services.panels.schedule(
            user_id,
            basics,
            checked.value,
            draft_id=draft_id,
            candidate_id=candidate_id,
            workspace_id=workspace_id,
        )
        return done(f"{panel.reference} is scheduled: the summary is in your chat with HireBot.")

    # ------------------------------------------------------------------ changes
    async def open_reschedule(self, user_id: str, data: Raw) -> dict[str, Any]:
        panel = await self.services.panels.manageable(user_id, self._panel_id(data))
        if panel.is_cancelled:
            raise PanelClosed(f"{panel.reference} is already cancelled.")
        raw = slot_raw(panel.starts_at, panel.timezone, panel.duration_minutes)
        return self.reschedule_form(panel, raw, {})

    def reschedule_form(self, panel: Any, raw: Raw, errors: Errors, form_id: str = "") -> dict:
        body = [
            text(
                f"**{panel.reference}** · {plain(panel.candidate.name, 200)}: now"
                f" {panel.starts_at.astimezone(zone_or_utc(panel.timezone)):%a %d %b %Y, %H:%M}"
                f" ({panel.timezone})"
            ),
            *_slot_fields(raw, errors),
            note("Everyone on the panel is told, in their own time zone."),
        ]
        data = {"dialog": "reschedule", "panel": panel.id, **({"form": form_id} if form_id else {})}
        return form(f"Reschedule {panel.reference}", body, "Move the panel", data)

    async def submit_reschedule(self, user_id: str, data: Raw) -> dict[str, Any]:
        panel_id = self._panel_id(data)
        checked = check_slot(data, self.services.clock.now())
        if not checked.errors:
            try:
                panel, _previous = await self.services.panels.reschedule(
                    user_id,
                    panel_id,
                    checked.value,
                    submission=self._submission(user_id, data, "reschedule"),
                )
                return done(f"{panel.reference} is moved. Everyone on it is being told.")
            except SlotUnchanged as same:
                checked.errors = {"start_date": str(same)}
        panel = await self.services.panels.manageable(user_id, panel_id)
        return self.reschedule_form(panel, data, checked.errors, str(data.get("form") or ""))

    async def open_cancel(self, user_id: str, data: Raw) -> dict[str, Any]:
        panel = await self.services.panels.manageable(user_id, self._panel_id(data))
        if panel.is_cancelled:
            raise PanelClosed(f"{panel.reference} is already cancelled.")
        return self.cancel_form(panel, {}, {})

    def cancel_form(self, panel: Any, raw: Raw, errors: Errors, form_id: str = "") -> dict:
        body = [
            text("Every panelist, the hiring manager and the recruiter are told."),
            *text_field("reason", "Reason (optional)", raw, errors, bounds.CANCEL_REASON),
        ]
        data = {"dialog": "cancel", "panel": panel.id, **({"form": form_id} if form_id else {})}
        return form(f"Cancel {panel.reference}", body, "Cancel the panel", data)

    async def submit_cancel(self, user_id: str, data: Raw) -> dict[str, Any]:
        errors: Errors = {}
        reason = bounds.field(data, "reason", bounds.CANCEL_REASON, errors)
        if errors:
            panel = await self.services.panels.manageable(user_id, self._panel_id(data))
            return self.cancel_form(panel, data, errors, str(data.get("form") or ""))
        panel = await self.services.panels.cancel(
            user_id,
            self._panel_id(data),
            reason,
            submission=self._submission(user_id, data, "cancel"),
        )
        return done(f"{panel.reference} is cancelled. Everyone on it is being told.")

    # ------------------------------------------------------------------ prep
    async def open_decline(self, user_id: str, data: Raw) -> dict[str, Any]:
        panel = await self.services.prep.check_panelist(user_id, self._panel_id(data))
        return self.decline_form(panel, {}, {})

    def decline_form(self, panel: Any, raw: Raw, errors: Errors, form_id: str = "") -> dict:
        body = [
            text("The coordinator is told at once, so they can find someone else."),
            *text_field(
                "reason", "Why can't you attend?", raw, errors, bounds.DECLINE_REASON, required=True
            ),
        ]
        data = {"dialog": "decline", "panel": panel.id, **({"form": form_id} if form_id else {})}
        return form(f"Can't attend {panel.reference}", body, "Tell the coordinator", data)

    async def submit_decline(self, user_id: str, data: Raw) -> dict[str, Any]:
        errors: Errors = {}
        reason = bounds.field(
            data, "reason", bounds.DECLINE_REASON, errors, required="Say why in a few words."
        )
        if errors:
            panel = await self.services.prep.check_panelist(user_id, self._panel_id(data))
            return self.decline_form(panel, data, errors, str(data.get("form") or ""))
        panel = await self.services.prep.decline(
            user_id,
            self._panel_id(data),
            reason,
            submission=self._submission(user_id, data, "decline"),
        )
        return done(f"Thanks: the coordinator of {panel.reference} is told.")

    async def open_replace(self, user_id: str, data: Raw) -> dict[str, Any]:
        panel = await self.services.panels.manageable(user_id, self._panel_id(data))
        return await self.replace_form(panel, str(data.get("panelist") or ""), {}, {})

    async def replace_form(
        self, panel: Any, old_id: str, raw: Raw, errors: Errors, form_id: str = ""
    ) -> dict:
        names = await self._names([old_id, *_ids(raw, "replacement")])
        body = [
            text(
                f"Who takes {plain(names.get(old_id, 'their'), 100)}'s seat (same focus and perspective)?"
            ),
            *people_field("replacement", "Replacement", raw, errors, names),
        ]
        data = {"dialog": "replace", "panel": panel.id, "panelist": old_id}
        if form_id:
            data["form"] = form_id
        return form(f"Replace on {panel.reference}", body, "Replace", data)

    async def submit_replace(self, user_id: str, data: Raw) -> dict[str, Any]:
        old_id = str(data.get("panelist") or "")
        chosen = _ids(data, "replacement")
        errors: Errors = {} if chosen else {"replacement": "Choose who takes the seat."}
        if not errors:
            try:
                panel = await self.services.prep.replace(
                    user_id,
                    self._panel_id(data),
                    old_id,
                    chosen[0],
                    submission=self._submission(user_id, data, "replace"),
                )
                return done(f"Replaced on {panel.reference}: they get the packet now.")
            except ReplacementProblem as problem:
                errors = {"replacement": str(problem)}
        panel = await self.services.panels.manageable(user_id, self._panel_id(data))
        return await self.replace_form(panel, old_id, data, errors, str(data.get("form") or ""))

    async def open_plan(self, user_id: str, data: Raw) -> dict[str, Any]:
        plan = await self.services.questions.plan_for(user_id, self._panel_id(data))
        return await self.plan_form(plan, {plan_text.FIELD: "\n".join(plan.questions)}, {})

    async def plan_form(
        self, plan: Any, raw: Raw, errors: Errors, *, flagged: bool = False
    ) -> dict:
        body: list[Element] = [
            text(
                f"**{plan.reference}** · {plain(plan.candidate_name, 200)} · your focus: {plain(plan.focus, 100)}"
            ),
        ]
        if plan.earlier:
            body.append(text("**Already asked in earlier rounds**"))
            body.append(text("\n".join(f"- {plain(q.text, 300)}" for q in plan.earlier[:30])))
        if flagged and plan.overlaps:
            lines = []
            for overlap in plan.overlaps[:20]:
                where = (
                    f"{mention(overlap.panelist_id)}'s plan"
                    if overlap.panelist_id is not None
                    else f"round {overlap.round_number}"
                )
                lines.append(
                    f"- {overlap.index + 1}. {plain(overlap.question, 200)}: repeats {where}:"
                    f" {plain(overlap.repeats, 200)}"
                )
            body.append(
                text(
                    "⚠️ **Saved, but some questions repeat:** edit them and save again, or close.",
                    color="Warning",
                )
            )
            body.append(text("\n".join(lines)))
        body += text_field(
            plan_text.FIELD, "Your questions, one per line", raw, errors, bounds.PLAN, required=True
        )
        content = form(
            f"Plan my questions: {plan.reference}",
            body,
            "Save",
            {"dialog": "plan", "panel": plan.panel_id},
        )
        if flagged:
            names = await self._names([o.panelist_id for o in plan.overlaps if o.panelist_id])
            value = content["task"]["value"]
            value["card"]["content"] = fill_mentions(value["card"]["content"], names)
        return content

    async def submit_plan(self, user_id: str, data: Raw) -> dict[str, Any]:
        checked = plan_text.check(data.get(plan_text.FIELD))
        if checked.errors:
            plan = await self.services.questions.plan_for(user_id, self._panel_id(data))
            return await self.plan_form(plan, data, checked.errors)
        plan = await self.services.questions.save(user_id, self._panel_id(data), checked.questions)
        if plan.overlaps:
            return await self.plan_form(plan, data, {}, flagged=True)
        return done(
            f"Saved {len(plan.questions)} question(s) for {plan.reference}. Nothing repeats."
        )

    # ------------------------------------------------------------------ after the panel
    async def open_feedback(self, user_id: str, data: Raw) -> dict[str, Any]:
        found = await self.services.followup.feedback_form(user_id, self._panel_id(data))
        raw: Raw = {}
        if found.existing is not None:
            e = found.existing
            raw = {
                "recommendation": e.recommendation,
                "rating": str(e.rating),
                "evidence": e.evidence,
                "concerns": e.concerns,
                "questions_asked": "\n".join(e.questions_asked or []),
            }
        focus = focus_label(found.seat.focus_area, found.seat.focus_detail)
        return self.feedback_form(found.panel, focus, raw, {})

    def feedback_form(
        self, panel: Any, focus: str, raw: Raw, errors: Errors, form_id: str = ""
    ) -> dict:
        body = [
            text(
                f"**{panel.reference}** · {plain(panel.candidate.name, 200)} · your focus: {plain(focus, 100)}"
            ),
            *choice_field(
                "recommendation",
                "Recommendation",
                raw,
                errors,
                list(RECOMMENDATION_LABELS.items()),
                expanded=True,
            ),
            *choice_field(
                "rating", f"Rating on {plain(focus, 60)}", raw, errors, list(RATING_LABELS.items())
            ),
            *text_field(
                "evidence",
                "Evidence: what you saw or heard",
                raw,
                errors,
                bounds.EVIDENCE,
                required=True,
            ),
            *text_field("concerns", "Concerns", raw, errors, bounds.CONCERNS),
            *text_field(
                "questions_asked",
                "The questions you asked (one per line)",
                raw,
                errors,
                bounds.PRIOR_QUESTIONS,
            ),
        ]
        data = {
            "dialog": "feedback",
            "panel": panel.id,
            "focus": focus[:100],
            **({"form": form_id} if form_id else {}),
        }
        return form(f"Feedback: {panel.reference}", body, "Submit feedback", data)

    async def submit_feedback(self, user_id: str, data: Raw) -> dict[str, Any]:
        checked = check_feedback(data)
        if checked.errors:
            found = await self.services.followup.feedback_form(user_id, self._panel_id(data))
            return self.feedback_form(
                found.panel,
                str(data.get("focus") or ""),
                data,
                checked.errors,
                str(data.get("form") or ""),
            )
        panel, edited = await self.services.followup.submit_feedback(
            user_id,
            self._panel_id(data),
            checked.value,
            submission=self._submission(user_id, data, "feedback"),
        )
        return done(
            f"Your feedback on {panel.reference} is {'updated' if edited else 'in'}. Thank you."
        )

    async def open_decide(self, user_id: str, data: Raw) -> dict[str, Any]:
        panel = await self.services.followup.decision_panel(user_id, self._panel_id(data))
        return self.decide_form(panel, {"outcome": str(data.get("outcome") or "")}, {})

    def decide_form(self, panel: Any, raw: Raw, errors: Errors, form_id: str = "") -> dict:
        body = [
            text(f"**{panel.reference}** · {plain(panel.candidate.name, 200)}"),
            *choice_field(
                "outcome", "Decision", raw, errors, list(OUTCOME_LABELS.items()), expanded=True
            ),
            *text_field(
                "reason",
                "Why (a sentence is enough)",
                raw,
                errors,
                bounds.DECISION_REASON,
                required=True,
            ),
        ]
        data = {"dialog": "decide", "panel": panel.id, **({"form": form_id} if form_id else {})}
        return form(f"Decision: {panel.reference}", body, "Decide", data)

    async def submit_decide(self, user_id: str, data: Raw) -> dict[str, Any]:
        outcome = parse_outcome(str(data.get("outcome") or ""))
        checked = check_reason(data)
        if outcome is None:
            checked.errors = {"outcome": "Choose a decision.", **checked.errors}
        if checked.errors:
            panel = await self.services.followup.decision_panel(user_id, self._panel_id(data))
            return self.decide_form(panel, data, checked.errors, str(data.get("form") or ""))
        assert outcome is not None
        panel = await self.services.followup.decide(
            user_id,
            self._panel_id(data),
            outcome,
            checked.value,
            submission=self._submission(user_id, data, "decide"),
        )
        return done(f"Recorded: {OUTCOME_LABELS.get(outcome, outcome)} on {panel.reference}.")

    async def open_candidate_updated(self, user_id: str, data: Raw) -> dict[str, Any]:
        panel = await self.services.followup.update_panel(user_id, self._panel_id(data))
        return self.update_form(panel, {}, {})

    def update_form(self, panel: Any, raw: Raw, errors: Errors, form_id: str = "") -> dict:
        body = [
            text(f"**{panel.reference}** · {plain(panel.candidate.name, 200)}"),
            *text_field(
                "note",
                "What did you tell the candidate?",
                raw,
                errors,
                bounds.UPDATE_NOTE,
                required=True,
            ),
        ]
        data = {
            "dialog": "candidate_updated",
            "panel": panel.id,
            **({"form": form_id} if form_id else {}),
        }
        return form(f"Candidate updated: {panel.reference}", body, "Save", data)

    async def submit_candidate_updated(self, user_id: str, data: Raw) -> dict[str, Any]:
        checked = check_update_note(data)
        if checked.errors:
            panel = await self.services.followup.update_panel(user_id, self._panel_id(data))
            return self.update_form(panel, data, checked.errors, str(data.get("form") or ""))
        panel = await self.services.followup.candidate_updated(
            user_id,
            self._panel_id(data),
            checked.value,
            submission=self._submission(user_id, data, "update"),
        )
        return done(f"Noted: the candidate of {panel.reference} heard from us. The clock restarts.")
