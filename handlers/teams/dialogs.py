"""Dialogs (task modules): forms as Adaptive Cards, checked on submit by the core's bounds.

A field error comes back inside the dialog (``task/submit`` answered with ``continue`` and the
same form), shown in red right under its field, with everything the person typed kept.
"""

from __future__ import annotations

from typing import Any

from bot.panels import bounds
from bot.panels.service import PanelClosed
from bot.teams.cards import Card, Element, card, heading, plain, text

Errors = dict[str, str]


def _input(
    name: str, label: str, value: str, errors: Errors, *, bound: bounds.Bound, required: bool
) -> list[Element]:
    field: Element = {
        "type": "Input.Text",
        "id": name,
        "label": label,
        "value": value,
        "isMultiline": bound.multiline,
        "maxLength": bound.max_length,
        "isRequired": required,
    }
    if required:
        field["errorMessage"] = "Required"
    out = [field]
    if name in errors:
        out.append(
            text(
                f"⚠️ {plain(errors[name], 300)}",
                color="Attention",
                spacing="None",
                id=f"{name}-error",
            )
        )
    return out


def _form(title: str, body: list[Element], submit: str, data: dict[str, Any]) -> dict[str, Any]:
    content = card(
        [heading(title), *body], [{"type": "Action.Submit", "title": submit, "data": data}]
    )
    return {
        "task": {
            "type": "continue",
            "value": {
                "title": title[:60],
                "width": "medium",
                "height": "medium",
                "card": {
                    "contentType": "application/vnd.microsoft.card.adaptive",
                    "content": content,
                },
            },
        }
    }


def _message(words: str) -> dict[str, Any]:
    return {"task": {"type": "message", "value": words[:300]}}


class Dialogs:
    def __init__(self, services: Any, handlers: Any) -> None:
        self.services = services
        self.handlers = handlers

    def cancel_form(
        self, panel_id: int, reference: str, raw: dict, errors: Errors
    ) -> dict[str, Any]:
        return _form(
            f"Cancel {reference}",
            [
                text("Every panelist, the hiring manager and the recruiter are told."),
                *_input(
                    "reason",
                    "Reason (optional)",
                    str(raw.get("reason") or ""),
                    errors,
                    bound=bounds.CANCEL_REASON,
                    required=False,
                ),
            ],
            "Cancel the panel",
            {"dialog": "cancel", "panel": panel_id},
        )

    def decline_form(
        self, panel_id: int, reference: str, raw: dict, errors: Errors
    ) -> dict[str, Any]:
        return _form(
            f"Can't attend {reference}",
            [
                text("The coordinator is told at once, so they can find someone else."),
                *_input(
                    "reason",
                    "Why can't you attend?",
                    str(raw.get("reason") or ""),
                    errors,
                    bound=bounds.DECLINE_REASON,
                    required=True,
                ),
            ],
            "Tell the coordinator",
            {"dialog": "decline", "panel": panel_id},
        )

    async def open(self, user_id: str, data: dict[str, Any]) -> dict[str, Any]:
        from handlers.teams.listeners import Refusal, refusal_text

        dialog = str(data.get("dialog") or "")
        try:
            panel_id = int(data.get("panel"))
        except (TypeError, ValueError):
            panel_id = 0
        try:
            if dialog == "cancel":
                panel = await self.services.panels.manageable(user_id, panel_id)
                if panel.is_cancelled:
                    raise PanelClosed(f"{panel.reference} is already cancelled.")
                return self.cancel_form(panel.id, panel.reference, {}, {})
            if dialog == "decline":
                panel = await self.services.prep.check_panelist(user_id, panel_id)
                return self.decline_form(panel.id, panel.reference, {}, {})
        except Refusal as refusal:
            return _message(refusal_text(refusal))
        return _message("This form isn't available in Teams yet: use HireBot in Slack for it.")

    async def submit(self, user_id: str, data: dict[str, Any]) -> dict[str, Any]:
        from handlers.teams.listeners import Refusal, refusal_text

        dialog = str(data.get("dialog") or "")
        try:
            panel_id = int(data.get("panel"))
        except (TypeError, ValueError):
            return _message("That form is out of date.")
        errors: Errors = {}
        try:
            if dialog == "cancel":
                reason = bounds.field(data, "reason", bounds.CANCEL_REASON, errors)
                if errors:
                    panel = await self.services.panels.manageable(user_id, panel_id)
                    return self.cancel_form(panel.id, panel.reference, data, errors)
                panel = await self.services.panels.cancel(user_id, panel_id, reason)
                return _message(f"{panel.reference} is cancelled. Everyone on it is being told.")
            if dialog == "decline":
                reason = bounds.field(
                    data,
                    "reason",
                    bounds.DECLINE_REASON,
                    errors,
                    required="Say why in a few words.",
                )
                if errors:
                    panel = await self.services.prep.check_panelist(user_id, panel_id)
                    return self.decline_form(panel.id, panel.reference, data, errors)
                panel = await self.services.prep.decline(user_id, panel_id, reason)
                return _message(f"Thanks: the coordinator of {panel.reference} is told.")
        except Refusal as refusal:
            return _message(refusal_text(refusal))
        return _message("That form is out of date.")


Form = Card
