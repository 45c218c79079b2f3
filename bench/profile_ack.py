"""Where a ``/panel list`` ack spends its time: ``hirebot serve`` under cProfile, driven by the
same seeded database, fake Slack and load as ``bench/ack.py``.

    .venv/bin/python bench/profile_ack.py [--text list] [--requests 1000] [--database-url …]

Prints the functions with the most own time and the same time summed per package, and keeps the
raw profile in ``bench/results/ack-<text>[-postgresql].prof`` (``python -m pstats`` or snakeviz read it).
cProfile slows Python code down and sees only the main thread (aiosqlite runs SQLite in a
worker thread), so read the shares, not the absolute numbers.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import pstats
import re
import signal
import sys
import tempfile
import uuid
from collections import Counter
from datetime import UTC, datetime
from pathlib import Path

import ack
import common

PACKAGES = [
    ("sqlalchemy", r"/sqlalchemy/"),
    ("aiosqlite", r"/aiosqlite/"),
    ("asyncpg", r"/asyncpg/"),
    ("slack_bolt", r"/slack_bolt/"),
    ("slack_sdk", r"/slack_sdk/"),
    ("starlette", r"/starlette/"),
    ("uvicorn/h11", r"/(uvicorn|h11)/"),
    ("asyncio", r"/asyncio/"),
    ("hirebot", r"/(bot|handlers)/"),
]


def package_of(filename: str) -> str:
    for name, pattern in PACKAGES:
        if re.search(pattern, filename):
            return name
    if filename == "~":
        return "builtins (C)"
    return "other"


def summarise(path: Path, top: int) -> None:
    """Print own time per package, then the top functions by own and by cumulative time."""
    stats = pstats.Stats(str(path), stream=sys.stdout)
    per_package: Counter[str] = Counter()
    for (filename, _line, _name), row in stats.stats.items():  # type: ignore[attr-defined]
        per_package[package_of(filename)] += row[2]  # own ("tottime") seconds
    total = sum(per_package.values()) or 1.0
    print("own time per package (main thread):")
    for name, seconds in per_package.most_common():
        print(f"  {name:<14} {seconds:7.2f} s  {100 * seconds / total:5.1f} %")
    print()
    stats.sort_stats("tottime").print_stats(top)
    # Cumulative times of coroutines count every resumption; compare them with each other only.
    stats.sort_stats("cumulative").print_stats(r"(bot|handlers)/", top)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--text", default="list", help="the /panel text to profile")
    parser.add_argument("--requests", type=int, default=1000)
    parser.add_argument("--database-url", help="a PostgreSQL server (scratch database)")
    parser.add_argument("--top", type=int, default=25)
    args = parser.parse_args()
    secret = f"bench-{uuid.uuid4().hex}"
    backend = "-postgresql" if args.database_url else ""
    profile = common.RESULTS / f"ack-{args.text}{backend}.prof"
    profile.parent.mkdir(parents=True, exist_ok=True)
    with contextlib.ExitStack() as stack:
        workdir = Path(stack.enter_context(tempfile.TemporaryDirectory(prefix="hirebot-prof-")))
        if args.database_url:
            url = stack.enter_context(common.scratch_postgres(args.database_url))
        else:
            url = f"sqlite:///{workdir / 'hirebot.db'}"
        seeded = asyncio.run(common.seed_database(url, datetime.now(UTC)))
        fake, api_url = common.start_fake_slack(workdir)
        stack.callback(fake.stop)
        port = common.free_port()
        env = {"SLACK_BOT_TOKEN": common.BOT_TOKEN, "SLACK_SIGNING_SECRET": secret}
        hirebot = common.Service(
            "hirebot",
            [sys.executable, "-m", "cProfile", "-o", str(profile), "-m", "bot.cli", "serve"],
            common.child_env(**env, SLACK_API_URL=api_url, PORT=str(port), DATABASE_URL=url),
            workdir,
        )
        stack.callback(hirebot.stop)
        common.wait_until(lambda: common.healthy(port), hirebot)
        seeded_panels = seeded.sample_panels
        result = ack.measure(
            f"hirebot `{args.text}` (profiled)",
            hirebot,
            port,
            [args.text],
            secret=secret,
            panels=seeded_panels,
            warmup=50,
            requests=args.requests,
        )
        # uvicorn re-raises the signal it stopped on; SIGTERM would then kill the process before
        # cProfile writes its file, while SIGINT ends as a KeyboardInterrupt the CLI handles.
        hirebot.stop(how=signal.SIGINT)
    print(ack.markdown([result]))
    print()
    summarise(profile, args.top)
    print(f"profile written to {profile}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
