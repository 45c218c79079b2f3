"""Adaptive Cards as plain text, for the Teams demo's transcript: what a person would read."""

from __future__ import annotations

import textwrap
from typing import Any

INDENT = "  │ "


def _wrap(words: str, width: int) -> list[str]:
    lines: list[str] = []
    for paragraph in words.replace("**", "").splitlines() or [""]:
        lines += textwrap.wrap(paragraph, width - len(INDENT)) or [""]
    return lines


def _input(element: dict[str, Any]) -> str:
    label = element.get("label") or element.get("title") or element.get("id")
    value = element.get("value")
    if element.get("type") == "Input.ChoiceSet":
        titles = {c.get("value"): c.get("title") for c in element.get("choices") or []}
        chosen = [titles.get(v, v) for v in str(value or "").split(",") if v]
        if element.get("choices.data"):
            shown = ", ".join(chosen) if chosen else "‹pick people›"
            return f"{label}: {shown} (people picker)"
        if not chosen:
            options = " / ".join(str(c.get("title")) for c in (element.get("choices") or [])[:6])
            return f"{label}: ‹{options}›"
        return f"{label}: {', '.join(str(c) for c in chosen)}"
    return f"{label}: {value if value not in (None, '') else '‹empty›'}"


def card_lines(card: dict[str, Any], width: int = 92) -> list[str]:
    out: list[str] = []

    def walk(elements: list[dict[str, Any]]) -> None:
        for element in elements:
            kind = element.get("type")
            if kind == "TextBlock":
                for line in _wrap(str(element.get("text", "")), width):
                    out.append(INDENT + line)
            elif kind == "RichTextBlock":
                words = "".join(str(i.get("text", "")) for i in element.get("inlines") or [])
                for line in _wrap(words, width):
                    out.append(INDENT + "  " + line)
            elif kind == "FactSet":
                for fact in element.get("facts") or []:
                    for line in _wrap(f"{fact.get('title')}: {fact.get('value')}", width):
                        out.append(INDENT + line)
            elif kind == "Container":
                out.append(INDENT + "┄" * 20)
                walk(element.get("items") or [])
            elif kind == "ActionSet":
                titles = [f"[{a.get('title')}]" for a in element.get("actions") or []]
                out.append(INDENT + " ".join(titles))
            elif str(kind).startswith("Input."):
                for line in _wrap(_input(element), width):
                    out.append(INDENT + line)

    walk(card.get("body") or [])
    buttons = [f"[{a.get('title')}]" for a in card.get("actions") or []]
    if buttons:
        out.append(INDENT + " ".join(buttons))
    return out
