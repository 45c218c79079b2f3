"""What every story of the demo shares: the stage it plays on (the running app, the transcript,
the step count and the tally for the summary line) and the moves a story makes on Slack's wire.

A story is a ``Story`` subclass whose ``play`` tells one part of the lifecycle; ``runner`` plays
the stories in order on one stage.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from functools import partial
from typing import TYPE_CHECKING, Any

from bot.devtools.fake_slack import dm_channel

if TYPE_CHECKING:
    import httpx

    from bot.devtools.harness import Harness
    from bot.devtools.transcript import Transcript


class DemoError(Exception):
    """The app did not do what the story expects."""


@dataclass
class Tally:
    """What the stories did, for the summary line."""

    scheduled: int = 0
    rescheduled: int = 0
    cancelled: int = 0
    feedback: int = 0
    decided: int = 0
    updated: int = 0
    escalated: int = 0

    def summary(self) -> str:
        return (
            f"{self.scheduled} panel{'s' if self.scheduled != 1 else ''} scheduled,"
            f" {self.rescheduled} rescheduled, {self.cancelled} cancelled;"
            f" {self.feedback} feedback, {self.decided} decided, {self.updated} candidate"
            f" updated, {self.escalated} stalled escalated"
        )


@dataclass
class Stage:
    """The running app and the transcript the stories share, numbering their steps as they go."""

    harness: Harness
    transcript: Transcript
    step: int = 0
    tally: Tally = field(default_factory=Tally)


class Story:
    """One part of the demo, played on a shared ``Stage``."""

    def __init__(self, stage: Stage) -> None:
        self.stage = stage
        self.h = stage.harness
        self.fake = stage.harness.fake
        self.t = stage.transcript
        self.tally = stage.tally

    async def play(self) -> None:
        raise NotImplementedError

    def banner(self, title: str) -> None:
        self.stage.step += 1
        self.t.banner(self.stage.step, title)

    def expect(self, condition: object, problem: str) -> None:
        if not condition:
            raise DemoError(problem)

    def answered(self, response: httpx.Response) -> dict[str, Any]:
        self.expect(
            response.status_code == 200,
            f"the app answered HTTP {response.status_code}: {response.text[:200]}",
        )
        if not response.content:
            return {}
        try:
            return response.json()
        except ValueError:
            return {"text": response.text}

    async def command(self, user_id: str, text: str) -> dict[str, Any]:
        """Type ``/panel <text>``; returns the command's own answer (often empty)."""
        self.t.act(user_id, f"types  /panel {text}")
        return self.answered(await self.h.wire.command(user_id, text))

    async def opens(self, user_id: str, text: str) -> dict[str, Any]:
        """A command that opens a modal: returns the view the bot opened."""
        before = len(self.fake.calls_to("views.open"))
        await self.command(user_id, text)
        return (await self.fake.wait_for("views.open", before + 1))[-1]["view"]

    async def reply(self, user_id: str, text: str) -> dict[str, Any]:
        """A command answered only to the caller: in the HTTP answer or via response_url."""
        before = len(self.fake.calls_to("response_url"))
        body = await self.command(user_id, text)
        if body.get("text") or body.get("blocks"):
            return body
        return (await self.fake.wait_for("response_url", before + 1))[-1]

    def dm_counts(self, *user_ids: str) -> dict[str, int]:
        return {u: len(self.fake.dms_to(u)) for u in user_ids}

    def latest_dm(self, user_id: str, containing: str, problem: str) -> dict[str, Any]:
        """The latest DM ``user_id`` received whose fallback text has ``containing`` in it; the
        story fails with ``problem`` if there is none."""
        found = [m for m in self.fake.dms_to(user_id) if containing in m.get("text", "")]
        self.expect(found, problem)
        return found[-1]

    async def new_dms(self, before: Mapping[str, int]) -> dict[str, dict[str, Any]]:
        """The next DM each person receives (listeners send after the ack: wait for them)."""
        received = {}
        for user_id, count in before.items():
            channel = dm_channel(user_id)
            found = await self.fake.wait_for(
                "chat.postMessage", count + 1, where=partial(_in_channel, channel)
            )
            received[user_id] = found[count]
        return received

    async def submit(
        self, user_id: str, view: dict[str, Any], values: dict[str, Any]
    ) -> dict[str, Any]:
        return self.answered(await self.h.wire.submit(user_id, view, values))

    async def run_until(self, kind: str, recipient: str) -> None:
        """Move the clock to when the next such nudge is due, and deliver what is due."""
        pending = await self.h.nudges(status="pending", kind=kind)
        due = [n.due_at for n in pending if n.recipient_id == recipient]
        self.expect(due, f"a {kind} for {self.t.name(recipient)} should be planned")
        await self.h.run_nudges(min(due))
        self.t.note(f"The clock moves on to {local(min(due), recipient, self.h)}.")

    async def click_and_open(
        self, user_id: str, action_id: str, value: str, label: str
    ) -> dict[str, Any]:
        """Press a button that opens a modal; returns the view the bot opened."""
        before = len(self.fake.calls_to("views.open"))
        self.t.act(user_id, f"presses [{label}]")
        await self.h.wire.click(user_id, action_id, value)
        return (await self.fake.wait_for("views.open", before + 1))[-1]["view"]


def local(moment: datetime, user_id: str, harness: Harness) -> str:
    from bot.slack.text import local_time

    return local_time(moment, harness.fake.users[user_id].tz)


def all_text(message: Mapping[str, Any]) -> str:
    """Every string in a message (fallback text and blocks), for checking what it says."""
    out: list[str] = []

    def walk(node: Any) -> None:
        if isinstance(node, str):
            out.append(node)
        elif isinstance(node, Mapping):
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for value in node:
                walk(value)

    walk({"text": message.get("text"), "blocks": message.get("blocks")})
    return "\n".join(out)


def _in_channel(channel: str, args: Mapping[str, Any]) -> bool:
    return args.get("channel") == channel
