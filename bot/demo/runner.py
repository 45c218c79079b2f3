"""Plays the demo's stories against the real app and a fake Slack, and prints the transcript:
a throwaway database, the app's log lines held back, the summary line and the exit code."""

from __future__ import annotations

import logging
import os
import shutil
import sys
import tempfile
import traceback
from collections.abc import Iterator, Sequence
from contextlib import contextmanager, suppress
from pathlib import Path
from typing import Any

from bot.demo.after_the_panel import AfterThePanel
from bot.demo.before_the_panel import BeforeThePanel
from bot.demo.cast import NOW, introduce
from bot.demo.story import DemoError, Stage, Story
from bot.devtools.people import COORDINATOR
from bot.devtools.transcript import WIDTH, Transcript

#: The stories ``hirebot demo`` plays, in order, on one stage: a new story is a module with a
#: ``Story`` subclass, added here.
STORIES: tuple[type[Story], ...] = (BeforeThePanel, AfterThePanel)


class _Keep(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.records: list[logging.LogRecord] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.records.append(record)


@contextmanager
def held_logs() -> Iterator[_Keep]:
    """Keep the app's log lines out of the transcript; warnings and errors are kept for the end."""
    root = logging.getLogger()
    saved_handlers, saved_level = root.handlers[:], root.level
    keep = _Keep()
    root.handlers = [keep]
    root.setLevel(logging.WARNING)
    try:
        yield keep
    finally:
        root.handlers = saved_handlers
        root.setLevel(saved_level)


def use_color(quiet: bool) -> bool:
    if quiet or "NO_COLOR" in os.environ or os.environ.get("TERM") == "dumb":
        return False
    isatty = getattr(sys.stdout, "isatty", None)
    return bool(isatty and isatty())


def tolerant_stdout() -> None:
    """A terminal that cannot show "é" or "─" gets "?" rather than a crash."""
    reconfigure = getattr(sys.stdout, "reconfigure", None)
    if reconfigure is not None:
        with suppress(ValueError, OSError):
            reconfigure(errors="replace")


def terminal_width() -> int:
    """The transcript's width: 92 columns, or less in a narrower terminal."""
    isatty = getattr(sys.stdout, "isatty", None)
    if isatty and isatty():
        return max(60, min(WIDTH, shutil.get_terminal_size((WIDTH, 24)).columns - 1))
    return WIDTH


async def run_demo(
    quiet: bool = False, *, width: int | None = None, stories: Sequence[type[Story]] = STORIES
) -> int:
    """Play the demo's ``stories``; print the transcript (or, with ``quiet``, only the summary
    line).

    Returns 0 when everything went as expected, 1 otherwise (the problems are listed).
    """
    if not quiet:
        tolerant_stdout()
    width = width or terminal_width()

    def write(line: str) -> None:
        if not quiet:
            print(line)

    problems: list[str] = []
    stage: Stage | None = None
    calls: list[Any] = []
    with (
        tempfile.TemporaryDirectory(prefix="hirebot-demo-") as tmp,
        held_logs() as logs,
    ):
        url = f"sqlite:///{Path(tmp) / 'hirebot.db'}"
        try:
            # Imported here so that the app's import-time log lines are held like the rest.
            from bot.devtools.harness import Harness

            async with Harness.running(
                url, now=NOW, coordinators=frozenset({COORDINATOR})
            ) as harness:
                transcript = Transcript(
                    harness.fake.users, width=width, color=use_color(quiet), write=write
                )
                stage = Stage(harness, transcript)
                introduce(transcript)
                try:
                    for story in stories:
                        await story(stage).play()
                except DemoError as exc:
                    problems.append(f"step {stage.step}: {exc}")
                except AssertionError as exc:  # a wait on the fake timed out
                    problems.append(f"step {stage.step}: {exc}")
                problems += [f"Slack would reject: {v}" for v in harness.fake.violations]
                calls = list(harness.fake.calls)
        except Exception as exc:
            problems.append(f"the demo crashed: {type(exc).__name__}: {exc}")
            if not quiet:
                traceback.print_exc()
        logged = [
            (r.levelno, f"{r.levelname.lower()} from {r.name}: {r.getMessage()}")
            for r in logs.records
        ]
        problems += [line for level, line in logged if level >= logging.ERROR]
        warnings = [line for level, line in logged if level < logging.ERROR]

    failed_calls = [c for c in calls if not c.ok]
    problems += [f"Slack answered {c.method} with {c.error}" for c in failed_calls]
    sent = sum(
        1
        for c in calls
        if c.ok and c.method in ("chat.postMessage", "chat.postEphemeral", "response_url")
    )
    done = stage.tally.summary() if stage is not None else "nothing scheduled"
    tally = f"{sent} messages sent, {len(failed_calls)} Slack errors"
    if problems:
        report = sys.stdout if not quiet else sys.stderr
        print("", file=report)
        for problem in problems:
            print(f"✖ {problem}", file=report)
        print(f"Demo FAILED: {done}; {tally}; {len(problems)} problem(s).")
        return 1
    if not quiet:
        print("")
        for warning in warnings:
            print(f"⚠ {warning}")
    print(f"Demo complete: {done}; {tally}.")
    return 0
