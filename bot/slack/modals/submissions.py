"""Reading a submitted modal: its values by field, its private metadata, and what names one
submission (for the change pipeline's exactly-once)."""

from __future__ import annotations

import json
from typing import Any


def form_values(view: dict[str, Any]) -> dict[str, Any]:
    """Flatten ``view.state.values`` into field → value, whatever the element type."""
    values: dict[str, Any] = {}
    for block_id, elements in (view.get("state") or {}).get("values", {}).items():
        for element in elements.values():
            values[block_id] = _element_value(element)
    return values


def _element_value(element: dict[str, Any]) -> Any:
    kind = element.get("type")
    if kind in ("static_select", "external_select", "radio_buttons"):
        selected = element.get("selected_option")
        return selected.get("value") if selected else None
    if kind == "users_select":
        return element.get("selected_user")
    if kind == "multi_users_select":
        return element.get("selected_users") or []
    if kind == "datepicker":
        return element.get("selected_date")
    if kind == "timepicker":
        return element.get("selected_time")
    return element.get("value")


def metadata(view: dict[str, Any]) -> dict[str, Any]:
    try:
        data = json.loads(view.get("private_metadata") or "{}")
    except json.JSONDecodeError:
        return {}
    return data if isinstance(data, dict) else {}


def submission_key(view: dict[str, Any]) -> str | None:
    """What names one submission of a modal: its view id and hash. Slack gives every view an
    id and a new hash each time it changes, so the same submission posted twice carries the
    same key, while a modal updated in place and submitted again does not."""
    view_id, view_hash = view.get("id"), view.get("hash")
    return f"view:{view_id}:{view_hash}" if view_id and view_hash else None
