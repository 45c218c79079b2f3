"""Block Kit as plain text for a terminal: what each person would see in Slack.

Used by ``hirebot demo`` (and handy in tests) to show messages and modals the bot sent without a
Slack client. Slack's mrkdwn is converted for the terminal: ``<@U123>`` becomes ``@Real Name``,
``<url|text>`` becomes ``text (url)``, bold and italics are dropped (or shown with ANSI styles
when colour is on) and the escapes ``&lt; &gt; &amp;`` become ``< > &`` again, so text a person
typed reads exactly as they typed it.
"""

from __future__ import annotations

import re
import textwrap
from collections.abc import Callable, Iterable, Mapping
from datetime import date
from typing import Any, Protocol

WIDTH = 92

_BOLD, _DIM, _ITALIC, _STRIKE, _RESET_WEIGHT, _RESET = (
    "\x1b[1m",
    "\x1b[2m",
    "\x1b[3m",
    "\x1b[9m",
    "\x1b[22m",
    "\x1b[0m",
)

#: Shortcodes the bot uses, as characters a terminal can show; others stay as ``:name:``.
EMOJI = {
    "warning": "⚠",
    "white_check_mark": "✔",
    "heavy_check_mark": "✔",
    "x": "✖",
    "calendar": "📅",
    "date": "📅",
    "hourglass": "⧗",
    "hourglass_flowing_sand": "⧗",
    "bell": "♪",
    "memo": "✎",
    "pencil": "✎",
    "information_source": "ℹ",
    "wave": "~",
    "tada": "★",
    "rotating_light": "‼",
    "speech_balloon": "✉",
    "pause_button": "‖",
    "briefcase": "■",
    "no_entry_sign": "⊘",
    "no_entry": "⊘",
}

_ANGLE = re.compile(r"<([^<>\n]+)>")
_EMOJI = re.compile(r":([a-z][a-z0-9_+-]*):")
_BOLD_RE = re.compile(r"(?<![\w*])\*(?=\S)([^*\n]+?)(?<=\S)\*(?![\w*])")
_ITALIC_RE = re.compile(r"(?<![\w_])_(?=\S)([^_\n]+?)(?<=\S)_(?![\w_])")
_STRIKE_RE = re.compile(r"(?<![\w~])~(?=\S)([^~\n]+?)(?<=\S)~(?![\w~])")


class Person(Protocol):
    """What the transcript needs to know about someone (the fake Slack's users fit)."""

    id: str
    real_name: str
    title: str
    tz: str


def unescape(text: str) -> str:
    """Undo Slack's three escapes (``&amp;`` last, so ``&amp;lt;`` stays ``&lt;``)."""
    return text.replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&")


def mrkdwn_to_text(
    text: str, names: Mapping[str, str] | None = None, *, color: bool = False
) -> str:
    """Slack mrkdwn as a terminal shows it. ``names`` maps user ids to real names."""
    names = names or {}

    def angle(match: re.Match[str]) -> str:
        target, _, label = match.group(1).partition("|")
        if target.startswith("@"):
            user_id = target[1:]
            return "@" + (names.get(user_id) or label or user_id)
        if target.startswith("#"):
            return "#" + (label or target[1:])
        if target.startswith("!"):
            if target.startswith(("!date^", "!subteam^")):
                return label or target
            return "@" + target[1:]
        return f"{label} ({target})" if label and label != target else target

    lines = []
    for line in text.split("\n"):
        quoted = line.startswith(">")  # a real quote: a typed ">" arrives as "&gt;"
        if quoted:
            line = line[1:].lstrip()
        line = _ANGLE.sub(angle, line)
        line = _EMOJI.sub(lambda m: EMOJI.get(m.group(1), m.group(0)), line)
        line = _BOLD_RE.sub(_BOLD + r"\1" + _RESET_WEIGHT if color else r"\1", line)
        line = _ITALIC_RE.sub(_ITALIC + r"\1" + _RESET if color else r"\1", line)
        line = _STRIKE_RE.sub(_STRIKE + r"\1" + _RESET if color else r"\1", line)
        lines.append(("│ " if quoted else "") + unescape(line))
    return "\n".join(lines)


def wrap(text: str, width: int, indent: str = "", hang: str = "") -> list[str]:
    """Wrap each line to ``width``; bullets, quotes and ``hang`` give a hanging indent."""
    out: list[str] = []
    base = hang
    for line in text.split("\n"):
        if not line.strip():
            out.append(indent.rstrip())
            continue
        hang = "  " if line.startswith(("• ", "- ")) else "│ " if line.startswith("│ ") else base
        out += textwrap.wrap(
            line,
            width=max(20, width - len(indent)),
            initial_indent=indent,
            subsequent_indent=indent + hang,
            break_long_words=False,
            break_on_hyphens=False,
            drop_whitespace=True,
        ) or [indent.rstrip()]
    return out


class Renderer:
    """Turns Block Kit JSON (message blocks, modal views) into lines of terminal text."""

    def __init__(
        self, names: Mapping[str, str] | None = None, *, width: int = WIDTH, color: bool = False
    ) -> None:
        self.names = dict(names or {})
        self.width = width
        self.color = color

    # ------------------------------------------------------------------ text
    def text(self, obj: Any) -> str:
        """A text object (mrkdwn or plain_text) or a bare string, as terminal text."""
        if obj is None:
            return ""
        if isinstance(obj, str):
            return mrkdwn_to_text(obj, self.names, color=self.color)
        if obj.get("type") == "plain_text":
            return obj.get("text", "")
        return mrkdwn_to_text(obj.get("text", ""), self.names, color=self.color)

    def style(self, text: str, code: str) -> str:
        return f"{code}{text}{_RESET}" if self.color and text else text

    def user(self, user_id: str | None) -> str:
        return f"@{self.names.get(user_id, user_id)}" if user_id else ""

    # ------------------------------------------------------------------ messages
    def message(self, message: Mapping[str, Any], indent: str = "  ") -> list[str]:
        """A posted message: its blocks, or its text when it has none."""
        blocks = message.get("blocks")
        if blocks:
            return self.blocks(blocks, indent)
        return wrap(self.text(message.get("text", "")), self.width, indent)

    def blocks(self, blocks: Iterable[Mapping[str, Any]], indent: str = "  ") -> list[str]:
        lines: list[str] = []
        for block in blocks:
            render = getattr(self, "_" + str(block.get("type", "")), None)
            lines += render(block, indent) if render else [f"{indent}[{block.get('type')} block]"]
        return lines

    def _header(self, block: Mapping[str, Any], indent: str) -> list[str]:
        title = self.text(block.get("text"))
        if self.color:
            return [f"{indent}{_BOLD}{title}{_RESET}"]
        return [f"{indent}{title}", f"{indent}{'═' * min(len(title), self.width - len(indent))}"]

    def _section(self, block: Mapping[str, Any], indent: str) -> list[str]:
        lines: list[str] = []
        if block.get("text"):
            lines += wrap(self.text(block["text"]), self.width, indent)
        for item in block.get("fields") or []:
            label, _, value = self.text(item).partition("\n")
            joined = f"{label}: {value.replace(chr(10), ' · ')}" if value else label
            lines += wrap(joined, self.width, indent, hang="  ")
        accessory = block.get("accessory")
        if accessory:
            lines.append(f"{indent}{self._element(accessory)}")
        return lines

    def _context(self, block: Mapping[str, Any], indent: str) -> list[str]:
        parts = []
        for element in block.get("elements") or []:
            if element.get("type") == "image":
                parts.append(f"[{element.get('alt_text', 'image')}]")
            else:
                parts.append(self.text(element))
        return [self.style(line, _DIM) for line in wrap("  ".join(parts), self.width, indent)]

    def _divider(self, _block: Mapping[str, Any], indent: str) -> list[str]:
        return [indent + "┄" * (self.width - len(indent))]

    def _image(self, block: Mapping[str, Any], indent: str) -> list[str]:
        return [f"{indent}[image: {block.get('alt_text', '')}]"]

    def _actions(self, block: Mapping[str, Any], indent: str) -> list[str]:
        buttons = "  ".join(self._element(e) for e in block.get("elements") or [])
        return wrap(buttons, self.width, indent)

    def _input(self, block: Mapping[str, Any], indent: str) -> list[str]:
        return self.field(block, indent)

    def field(
        self,
        block: Mapping[str, Any],
        indent: str = "  ",
        value: Any = None,
        error: str | None = None,
    ) -> list[str]:
        """An input block as ``Label: value`` (its initial value or placeholder without one)."""
        label = self.text(block.get("label"))
        optional = self.style(" (optional)", _DIM) if block.get("optional") else ""
        shown = self._input_value(block.get("element") or {}, value)
        first, *rest = shown.split("\n") if shown else [""]
        lines = wrap(f"{label}{optional}: {first}", self.width, indent, hang="    ")
        for line in rest:
            lines += wrap(line, self.width, indent + "    ", hang="  ")
        if error:
            lines += wrap(self.style(f"⚠ {error}", _BOLD), self.width, indent + "    ")
        return lines

    def _rich_text(self, block: Mapping[str, Any], indent: str) -> list[str]:
        lines: list[str] = []
        for element in block.get("elements") or []:
            kind = element.get("type")
            text = self._rich_inline(element.get("elements") or [])
            if kind == "rich_text_preformatted":
                lines += self.box(text, indent)
            elif kind == "rich_text_quote":
                lines += wrap("\n".join("│ " + t for t in text.split("\n")), self.width, indent)
            elif kind == "rich_text_list":
                for i, item in enumerate(element.get("elements") or [], 1):
                    mark = f"{i}." if element.get("style") == "ordered" else "•"
                    body = self._rich_inline(item.get("elements") or [])
                    lines += wrap(f"{mark} {body}", self.width, indent)
            else:
                lines += wrap(text, self.width, indent)
        return lines

    def _rich_inline(self, elements: Iterable[Mapping[str, Any]]) -> str:
        out = []
        for e in elements:
            kind = e.get("type")
            if kind == "text":
                out.append(e.get("text", ""))
            elif kind == "link":
                text, url = e.get("text"), e.get("url", "")
                out.append(f"{text} ({url})" if text and text != url else url)
            elif kind == "user":
                out.append(self.user(e.get("user_id")))
            elif kind == "channel":
                out.append(f"#{e.get('channel_id')}")
            elif kind == "emoji":
                out.append(EMOJI.get(e.get("name", ""), f":{e.get('name')}:"))
            elif kind == "broadcast":
                out.append(f"@{e.get('range')}")
        return "".join(out)

    def box(self, text: str, indent: str = "  ") -> list[str]:
        """Verbatim text in a box, as Slack shows a code block."""
        inner = self.width - len(indent) - 2
        body = []
        for line in text.split("\n"):
            body += textwrap.wrap(line, inner, break_long_words=True, drop_whitespace=False) or [""]
        rule = "─" * min(inner + 1, max(len(line) for line in body) + 1)
        return [
            f"{indent}┌{rule}",
            *(f"{indent}│ {line}".rstrip() for line in body),
            f"{indent}└{rule}",
        ]

    # ------------------------------------------------------------------ elements
    def _element(self, element: Mapping[str, Any]) -> str:
        kind = element.get("type", "")
        if kind == "button":
            return f"[{self.text(element.get('text'))}]"
        if kind == "overflow":
            return "[⋯]"
        if "select" in kind:
            chosen = self._input_value(element, None)
            return f"[{chosen} ▾]"
        return f"[{kind}]"

    def _placeholder(self, element: Mapping[str, Any]) -> str:
        text = self.text(element.get("placeholder")) if element.get("placeholder") else ""
        return self.style(f"‹{text}›" if text else "‹empty›", _DIM)

    def _input_value(self, element: Mapping[str, Any], value: Any) -> str:
        """What a field shows: the submitted ``value`` if given, else its initial value."""
        kind = element.get("type", "")
        if value is None:
            value = _initial(element)
        if value in (None, "", []):
            return self._placeholder(element)
        if kind in ("users_select", "multi_users_select"):
            ids = value if isinstance(value, list) else [value]
            return ", ".join(self.user(u) for u in ids)
        if kind in ("static_select", "external_select", "radio_buttons"):
            labels = {o.get("value"): self.text(o.get("text")) for o in _options(element)}
            return labels.get(value, str(value))
        if kind == "datepicker":
            try:
                return f"{value} ({date.fromisoformat(value):%a})"
            except ValueError:
                return str(value)
        return str(value)

    # ------------------------------------------------------------------ modals
    def view(
        self,
        view: Mapping[str, Any],
        *,
        values: Mapping[str, Any] | None = None,
        errors: Mapping[str, str] | None = None,
        only: Iterable[str] | None = None,
        indent: str = "  ",
    ) -> list[str]:
        """A modal in a frame: title, buttons, then each block.

        ``values`` (by block id, as submitted) replace initial values; ``errors`` (by block id)
        are shown under their fields; ``only`` limits the input fields shown to those block ids.
        """
        values = values or {}
        errors = errors or {}
        keep = set(only) if only is not None else None
        title = self.text(view.get("title"))
        buttons = " ".join(
            f"[{self.text(view[key])}]" for key in ("close", "submit") if view.get(key)
        )
        inner = indent + "│ "
        head = f"{indent}╭─ {self.style(title, _BOLD)} "
        fill = self.width - len(indent) - len(title) - len(buttons) - 8
        lines = [f"{head}{'─' * max(3, fill)} {buttons} ─╮"]
        for block in view.get("blocks") or []:
            block_id = block.get("block_id", "")
            if block.get("type") == "input":
                if keep is not None and block_id not in keep:
                    continue
                lines += self.field(block, inner, values.get(block_id), errors.get(block_id))
            elif keep is None:
                lines += self.blocks([block], inner)
        lines.append(f"{indent}╰{'─' * (self.width - len(indent) - 2)}╯")
        return lines


def _initial(element: Mapping[str, Any]) -> Any:
    for key in ("initial_value", "initial_date", "initial_time", "initial_user", "initial_users"):
        if key in element:
            return element[key]
    chosen = element.get("initial_option")
    if chosen:
        return chosen.get("value")
    return None


def _options(element: Mapping[str, Any]) -> list[Mapping[str, Any]]:
    options = list(element.get("options") or [])
    for group in element.get("option_groups") or []:
        options += group.get("options") or []
    if element.get("initial_option"):
        options.append(element["initial_option"])
    return options


class Transcript:
    """The demo's narration: steps, what people do, and what each of them sees."""

    def __init__(
        self,
        people: Mapping[str, Person],
        *,
        width: int = WIDTH,
        color: bool = False,
        write: Callable[[str], None] = print,
    ) -> None:
        self.people = people
        self.width = width
        self.color = color
        self.render = Renderer(
            {uid: p.real_name for uid, p in people.items()}, width=width, color=color
        )
        self._write = write

    def out(self, *lines: str) -> None:
        for line in lines:
            self._write(line)

    def name(self, user_id: str) -> str:
        person = self.people.get(user_id)
        return person.real_name if person else user_id

    def banner(self, number: int | str, title: str) -> None:
        text = f"━━ {number} · {title} "
        self.out("", self.render.style(text + "━" * max(3, self.width - len(text)), _BOLD))

    def act(self, user_id: str, what: str) -> None:
        """Something a person does, e.g. types a command or presses a button."""
        self.out(*wrap(f"▶ {self.name(user_id)} {what}", self.width, hang="  "))

    def note(self, text: str) -> None:
        """The narrator: context for the reader, not something Slack shows."""
        self.out(*(self.render.style(line, _DIM) for line in wrap(text, self.width, "  ")))

    def sees(self, user_id: str, where: str) -> None:
        """The heading over what one person sees: who, their title, where, in which zone."""
        person = self.people.get(user_id)
        zone = f", in {person.tz}" if person is not None else ""
        text = f"── {self.name(user_id)} sees {where}{zone} "
        if person is not None and person.title:
            titled = f"── {self.name(user_id)} ({person.title}) sees {where}{zone} "
            text = titled if len(titled) <= self.width - 2 else text
        self.out(self.render.style(text + "─" * max(2, self.width - len(text)), _BOLD))

    def message(
        self, message: Mapping[str, Any], *, first: int | None = None, rest: str = ""
    ) -> None:
        """A message's blocks; with ``first``, only that many and a note on what was left out."""
        blocks = message.get("blocks")
        if blocks and first is not None and len(blocks) > first:
            self.out(*self.render.blocks(blocks[:first]))
            left = len(blocks) - first
            self.note(
                f"(+ {left} more block{'s' if left > 1 else ''}{': ' + rest if rest else ''})"
            )
            return
        self.out(*self.render.message(message))

    def view(self, view: Mapping[str, Any], **kwargs: Any) -> None:
        self.out(*self.render.view(view, **kwargs))

    def fields(self, view: Mapping[str, Any], values: Mapping[str, Any]) -> None:
        """Just the listed fields of a form, as filled in (no frame)."""
        blocks = {
            b.get("block_id"): b for b in view.get("blocks") or [] if b.get("type") == "input"
        }
        for block_id, value in values.items():
            if block_id in blocks:
                self.out(*self.render.field(blocks[block_id], "    ", value))
