"""Adaptive Cards (version 1.5) for Teams: the notices, command answers and dialogs.

Every card is checked against the SDK's card models (``microsoft_teams.cards``): each element's
type must be one the SDK knows, with no property its model lacks, and the properties the
Adaptive Card schema requires; and it must stay under 80 KB (Teams refuses about 100 KB).

User text goes through :func:`plain` once: TextBlock and FactSet values are read as a markdown
subset, so ``*``, ``_``, backticks and brackets become look-alikes (a name never turns the
bot's own words bold or into a link), and control characters are dropped. People appear as
:func:`mention` placeholders that the platform replaces with names from Graph at send time
(reminders carry only ids), so rendering itself needs no lookups.
"""

from __future__ import annotations

import json
import re
from datetime import datetime
from functools import cache
from typing import Any

from bot.people import zone_or_utc

VERSION = "1.5"
CARD_CONTENT_TYPE = "application/vnd.microsoft.card.adaptive"
#: Teams refuses messages of about 100 KB; HireBot's own bound leaves room for the envelope.
MAX_CARD_BYTES = 80 * 1024
ELLIPSIS = "…"

Card = dict[str, Any]
Element = dict[str, Any]

_LOOKALIKES = str.maketrans(
    {
        "*": "\u2217",
        "_": "\u02cd",
        "`": "\u02cb",
        "[": "\uff3b",
        "]": "\uff3d",
        "#": "\uff03",
        "<": "\u2039",
        ">": "\u203a",
    }
)
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\u200b-\u200f\u202a-\u202e\u2066-\u2069]")
_MENTION = re.compile(r"\u27e6([^\u27e6\u27e7]{1,80})\u27e7")


def truncate(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1].rstrip() + ELLIPSIS


def plain(text: str | None, limit: int = 2000) -> str:
    """User text shown literally in a card (see the module's docstring)."""
    cleaned = _CONTROL.sub("", text or "").translate(_LOOKALIKES)
    # A line starting "1." or "-" would become a list: a zero-width joiner can't be used (it is
    # dropped above), so a no-break space in front keeps it text.
    cleaned = re.sub(r"(?m)^(\s*)(\d+\.|[-+])(\s)", "\\1\u00a0\\2\\3", cleaned)
    return truncate(cleaned, limit)


def mention(user_id: str) -> str:
    """A person, by id: the platform puts their name here when it sends the card."""
    return f"\u27e6{user_id}\u27e7"


def mentioned(card_json: str) -> list[str]:
    return list(dict.fromkeys(_MENTION.findall(card_json)))


def fill_mentions(card: Card, names: dict[str, str]) -> Card:
    """Replace each :func:`mention` with the person's name (bold), in every string."""

    def name(match: re.Match[str]) -> str:
        found = names.get(match.group(1))
        return plain(found, 100) if found else "someone"

    def walk(value: Any) -> Any:
        if isinstance(value, str):
            return _MENTION.sub(name, value)
        if isinstance(value, list):
            return [walk(v) for v in value]
        if isinstance(value, dict):
            return {k: walk(v) for k, v in value.items()}
        return value

    return walk(card)


def local_time(moment: datetime, tz_name: str) -> str:
    local = moment.astimezone(zone_or_utc(tz_name))
    return f"{local:%a} {local.day} {local:%b %Y, %H:%M} {local.tzname()}"


# ---------------------------------------------------------------------- building blocks
def text(
    value: str, *, weight: str | None = None, size: str | None = None, **extra: Any
) -> Element:
    block: Element = {"type": "TextBlock", "text": value, "wrap": True}
    if weight:
        block["weight"] = weight
    if size:
        block["size"] = size
    block.update(extra)
    return block


def verbatim(value: str, limit: int = 4000) -> Element:
    """Text shown exactly as written, markup characters included (a ``TextRun`` is never read
    as markdown): for messages meant to be copied, like the note for the candidate."""
    cleaned = truncate(_CONTROL.sub("", value or ""), limit)
    return {"type": "RichTextBlock", "inlines": [{"type": "TextRun", "text": cleaned}]}


def heading(value: str) -> Element:
    return text(value, weight="Bolder", size="Medium", style="heading")


def note(value: str) -> Element:
    return text(value, isSubtle=True, size="Small")


def facts(*pairs: tuple[str, str]) -> Element:
    return {"type": "FactSet", "facts": [{"title": t, "value": v or "—"} for t, v in pairs]}


def bullets(items: list[str], title: str | None = None) -> list[Element]:
    out = [text(title, weight="Bolder")] if title else []
    if items:
        out.append(text("\n".join(f"- {i}" for i in items)))
    return out


def execute(title: str, verb: str, data: dict[str, Any], *, style: str | None = None) -> Element:
    """A Universal Action: Teams sends ``adaptiveCard/action``; the answer replaces the card."""
    action: Element = {"type": "Action.Execute", "title": title, "verb": verb, "data": data}
    if style:
        action["style"] = style
    return action


def open_dialog(title: str, dialog: str, data: dict[str, Any]) -> Element:
    """A button opening a dialog (task module): ``task/fetch`` with HireBot's dialog name."""
    return {
        "type": "Action.Submit",
        "title": title,
        "data": {"msteams": {"type": "task/fetch"}, "dialog": dialog, **data},
    }


def open_url(title: str, url: str) -> Element:
    return {"type": "Action.OpenUrl", "title": title, "url": url}


def card(
    body: list[Element], actions: list[Element] | None = None, *, refresh: Element | None = None
) -> Card:
    content: Card = {
        "type": "AdaptiveCard",
        "$schema": "http://adaptivecards.io/schemas/adaptive-card.json",
        "version": VERSION,
        "body": body,
    }
    if actions:
        content["actions"] = actions
    if refresh:
        content["refresh"] = refresh
    return content


def attachment(content: Card) -> dict[str, Any]:
    return {"contentType": CARD_CONTENT_TYPE, "content": content}


def message(content: Card, summary: str) -> dict[str, Any]:
    """A message activity carrying one card (``summary`` is the notification's preview)."""
    return {
        "type": "message",
        "summary": truncate(summary, 200),
        "attachments": [attachment(content)],
    }


# ---------------------------------------------------------------------- validation
#: What the Adaptive Card schema requires of each element, beyond its type.
REQUIRED = {
    "AdaptiveCard": ("version",),
    "TextBlock": ("text",),
    "FactSet": ("facts",),
    "Fact": ("title", "value"),
    "Image": ("url",),
    "Input.Text": ("id",),
    "Input.Number": ("id",),
    "Input.Date": ("id",),
    "Input.Time": ("id",),
    "Input.Toggle": ("id", "title"),
    "Input.ChoiceSet": ("id",),
    "Input.Choice": ("title", "value"),
    "Action.OpenUrl": ("url",),
    "Action.ToggleVisibility": ("targetElements",),
    "Refresh": ("action", "userIds"),
}


@cache
def _models() -> dict[str, Any]:
    """The SDK's card model for each element type, by the ``type`` it serialises as."""
    import microsoft_teams.cards as sdk
    import pydantic

    found: dict[str, Any] = {}
    for name in dir(sdk):
        model = getattr(sdk, name)
        if isinstance(model, type) and issubclass(model, pydantic.BaseModel):
            field = model.model_fields.get("type")
            if field is not None and isinstance(field.default, str) and field.default:
                found.setdefault(field.default, model)
    # Parts with no ``type`` of their own, named here by the schema's names for them.
    found["Fact"] = sdk.Fact
    found["Input.Choice"] = sdk.Choice
    found["Refresh"] = sdk.RefreshDefinition
    return found


def _aliases(model: Any) -> set[str]:
    names: set[str] = {"type"}
    for name, field in model.model_fields.items():
        names.add(name)
        names.add(field.serialization_alias or name)
        alias = field.validation_alias
        if isinstance(alias, str):
            names.add(alias)
        # The SDK serialises snake_case as camelCase.
        head, *rest = name.split("_")
        names.add(head + "".join(p.title() for p in rest))
    return names


def card_problems(content: Any) -> list[str]:
    """What Teams (or the schema) would refuse in ``content``; empty when it is valid."""
    if not isinstance(content, dict) or content.get("type") != "AdaptiveCard":
        return ["not an AdaptiveCard"]
    problems: list[str] = []
    size = len(json.dumps(content).encode())
    if size > MAX_CARD_BYTES:
        problems.append(f"card of {size} bytes (over {MAX_CARD_BYTES})")
    if content.get("version") != VERSION:
        problems.append(f"card version {content.get('version')!r}, expected {VERSION}")
    models = _models()
    allowed_extra = {"$schema", "$data", "msteams"}

    def check(element: Any, where: str) -> None:
        if not isinstance(element, dict):
            problems.append(f"{where}: not an object")
            return
        kind = element.get("type")
        model = models.get(kind) if isinstance(kind, str) else None
        if model is None:
            problems.append(f"{where}: unknown element type {kind!r}")
            return
        unknown = set(element) - _aliases(model) - allowed_extra
        if kind in ("Fact", "Input.Choice", "Refresh"):
            element = {k: v for k, v in element.items() if k != "type"}
        if unknown:
            problems.append(f"{where} ({kind}): unknown properties {sorted(unknown)}")
        for required in REQUIRED.get(str(kind), ()):
            if element.get(required) in (None, "", []):
                problems.append(f"{where} ({kind}): {required} is required")
        try:
            model.model_validate(element)
        except Exception as exc:
            problems.append(f"{where} ({kind}): {str(exc).splitlines()[0]}")
        for key in (
            "body",
            "items",
            "actions",
            "columns",
            "facts",
            "choices",
            "inlines",
            "inlineAction",
        ):
            value = element.get(key)
            if isinstance(value, list):
                for index, child in enumerate(value):
                    if key == "facts" and isinstance(child, dict):
                        child = {"type": "Fact", **child} if "type" not in child else child
                    if key == "choices" and isinstance(child, dict):
                        child = {"type": "Input.Choice", **child} if "type" not in child else child
                    check(child, f"{where}.{key}[{index}]")
        for key in ("selectAction", "card", "action"):
            if isinstance(element.get(key), dict):
                check(element[key], f"{where}.{key}")
        refresh = element.get("refresh") if kind == "AdaptiveCard" else None
        if refresh is not None:  # Universal Actions' refresh: an Action.Execute and userIds
            if isinstance(refresh, dict) and "type" not in refresh:
                refresh = {"type": "Refresh", **refresh}
            check(refresh, f"{where}.refresh")

    check(content, "card")
    return problems
