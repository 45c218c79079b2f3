"""How fast HireBot answers ``/panel`` compared with a bare Bolt app on the same stack.

Slack gives an app 3 seconds to ack a slash command, and a slow answer is what users feel first.
This benchmark posts signed ``/panel`` commands, 16 at a time, to a real ``hirebot serve``
process (HTTP mode, 5,000 panels in the database) and to a bare Bolt app whose listener only
acks (``bench/bare_app.py``), both talking to the loopback fake Slack in a third process. The
load generator runs in this process, so the server, the fake and the load generator each have
an event loop (and a GIL) of their own. The baseline runs in the same invocation on the same
machine, so the ratios mean something even where the absolute numbers depend on the machine.

``list``, ``status``, ``stalled`` and ``history`` answer in the ack itself when the answer is
ready within a second, and otherwise ack first and answer through the command's
``response_url`` (as the bare app's ``respond`` always does): the load generator serves that
URL, and a request counts as done when the answer has arrived, in the ack or after it (what the
person waits for).

    .venv/bin/python bench/ack.py                 # SQLite in a temporary directory
    .venv/bin/python bench/ack.py --quick         # a short run, for a smoke test
    .venv/bin/python bench/ack.py --database-url postgresql://postgres@127.0.0.1:5432/test

With ``--database-url`` the benchmark creates a scratch database on that server, seeds it and
drops it afterwards; the database the URL names is only used to issue ``CREATE DATABASE``.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import itertools
import json
import os
import re
import signal
import statistics
import sys
import tempfile
import threading
import time
import urllib.request
import uuid
from collections import Counter
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

import aiohttp
from aiohttp import web
from common import (
    BOT_TOKEN,
    CALLER,
    PANELS,
    RESULTS,
    BenchError,
    Service,
    child_env,
    free_port,
    healthy,
    machine,
    machine_line,
    own_cpu,
    percentile,
    postgres_version,
    scratch_postgres,
    seed_database,
    start_fake_slack,
    tcp_open,
    wait_until,
)

from bot.devtools.wire import sign

BENCH = Path(__file__).resolve().parent
CONCURRENCY = 16
RESIGN_SECONDS = 60  # Slack signatures are accepted for five minutes
HELP_THROUGHPUT_TARGET = 0.8  # hirebot help req/s over bare req/s
P99_TARGET_MS = 50.0  # list, status, stalled, history
THROUGHPUT_TARGET = 0.5  # each of them over bare help's req/s
RSS_TARGET_MIB = 150.0
COMMANDS = ("list", "status", "stalled", "history")
#: May ack first and answer via response_url (``respond`` always does).
ANSWERED_LATER = ("list", "status", "stalled", "history", "respond")

FULL = {"warmup": 200, "requests": 3_000}
QUICK = {"warmup": 50, "requests": 500}


# --------------------------------------------------------------------------- load
@dataclass
class Result:
    scenario: str
    app: str
    text: str
    in_flight: int
    requests: int
    errors: int
    seconds: float
    throughput: float
    p50_ms: float
    p90_ms: float
    p99_ms: float
    max_ms: float
    server_cpu_ms_per_request: float | None
    loadgen_cpu_ms_per_request: float
    server_rss_mib: float | None = None  # the most seen while this scenario ran
    error_kinds: dict[str, int] = field(default_factory=dict)
    error_sample: str | None = None
    per_command: dict[str, dict[str, float]] = field(default_factory=dict)  # mixed scenario


Check = Callable[[str], bool]
REFERENCE = re.compile(r"\*P-\d+\*")  # how a panel line starts in /panel list


def is_ok(_body: str) -> bool:
    return True


def is_usage(body: str) -> bool:
    return "Usage: /panel" in body


def is_listing(body: str) -> bool:
    return REFERENCE.search(body) is not None


def mentions_a_panel(body: str) -> bool:
    return "P-" in body


CHECKS: dict[str, Check] = {
    "help": is_usage,
    "list": is_listing,
    "status": mentions_a_panel,
    "stalled": mentions_a_panel,  # the seeded caller always has stalled panels
    "history": mentions_a_panel,
}


def command_text(command: str, worker: int, panels: list[int]) -> str:
    """The ``/panel`` text worker ``worker`` sends: status and history each ask about one of
    the caller's panels (a different one per worker)."""
    if command in ("status", "history"):
        return f"{command} P-{panels[worker % len(panels)]}"
    return command


def command_body(text: str, worker: int, response_root: str) -> bytes:
    """A ``/panel`` slash command as Slack form-encodes it (``SlackWire.command``'s fields)."""
    trigger = f"bench-{worker}"
    return urlencode(
        {
            "token": "legacy",
            "team_id": "T0HIREBOT",
            "team_domain": "hirebot-demo",
            "channel_id": "C0GENERAL",
            "channel_name": "general",
            "user_id": CALLER,
            "user_name": CALLER.lower(),
            "command": "/panel",
            "text": text,
            "api_app_id": "A0HIREBOT",
            "response_url": f"{response_root}response/{trigger}",
            "trigger_id": trigger,
        }
    ).encode()


@dataclass
class Tally:
    latencies: list[float] = field(default_factory=list)
    by_command: dict[str, list[float]] = field(default_factory=dict)
    errors: Counter[str] = field(default_factory=Counter)
    error_sample: str | None = None


class Answers:
    """The load generator's own ``response_url`` endpoint: each worker has one request in
    flight, so ``/response/bench-<worker>`` names whose answer arrived."""

    def __init__(self) -> None:
        self.waiting: dict[str, asyncio.Future[str]] = {}
        self.runner: web.AppRunner | None = None
        self.root = ""

    async def start(self) -> None:
        app = web.Application()
        app.router.add_post("/response/{key}", self._receive)
        self.runner = web.AppRunner(app, access_log=None)
        await self.runner.setup()
        port = free_port()
        await web.TCPSite(self.runner, "127.0.0.1", port).start()
        self.root = f"http://127.0.0.1:{port}/"

    async def stop(self) -> None:
        if self.runner is not None:
            await self.runner.cleanup()

    def expect(self, key: str) -> asyncio.Future[str]:
        future = asyncio.get_running_loop().create_future()
        self.waiting[key] = future
        return future

    async def _receive(self, request: web.Request) -> web.Response:
        body = await request.text()
        future = self.waiting.pop(request.match_info["key"], None)
        if future is not None and not future.done():
            future.set_result(body)
        return web.json_response({"ok": True})


def answered_in_ack(body: str) -> bool:
    """Whether an ack's body is the answer itself (a message), not an empty ack."""
    try:
        message = json.loads(body) if body else {}
    except ValueError:
        return bool(body.strip())  # Bolt acks a plain string as text/plain
    return isinstance(message, dict) and bool(message.get("text") or message.get("blocks"))


async def load(
    port: int,
    commands: list[str],
    requests: int,
    secret: str,
    panels: list[int],
    concurrency: int = CONCURRENCY,
    answered_later: bool = True,
) -> tuple[Tally, float]:
    """``requests`` commands from ``concurrency`` workers in a closed loop (worker ``n`` sends
    ``commands[n % len(commands)]``); returns the tally and the wall time. Each worker reuses
    its body and signature, re-signing every minute. ``answered_later``: wait for the
    ``response_url`` answer of commands that give one (off for the bare app, which only acks)."""
    url = f"http://127.0.0.1:{port}/slack/events"
    tally = Tally()
    issued = itertools.count()
    connector = aiohttp.TCPConnector(limit=concurrency)
    timeout = aiohttp.ClientTimeout(total=10)
    answers = Answers()
    await answers.start()

    async def worker(session: aiohttp.ClientSession, n: int) -> None:
        command = commands[n % len(commands)]
        later = answered_later and command in ANSWERED_LATER
        check = CHECKS.get(command, is_ok) if answered_later else is_ok  # the bare app only acks
        body = command_body(command_text(command, n, panels), n, answers.root)
        key = f"bench-{n}"
        signed_at = 0.0
        headers: dict[str, str] = {}
        while next(issued) < requests:
            if time.monotonic() - signed_at > RESIGN_SECONDS:
                signed_at = time.monotonic()
                headers = {
                    "Content-Type": "application/x-www-form-urlencoded",
                    **sign(secret, body.decode()),
                }
            started = time.perf_counter()
            kind: str | None = None
            answer = ""
            answered = answers.expect(key) if later else None
            try:
                async with session.post(url, data=body, headers=headers) as response:
                    answer = await response.text()
                    if response.status != 200:
                        kind = f"HTTP {response.status}"
                if kind is None and answered is not None:
                    if answered_in_ack(answer):
                        answers.waiting.pop(key, None)
                    else:
                        answer = await asyncio.wait_for(answered, 10)
                if kind is None and not check(answer):
                    kind = "wrong answer"
            except (aiohttp.ClientError, TimeoutError) as exc:
                kind = type(exc).__name__
                answer = str(exc)
            elapsed = time.perf_counter() - started
            tally.latencies.append(elapsed)
            tally.by_command.setdefault(command, []).append(elapsed)
            if kind:
                tally.errors[kind] += 1
                tally.error_sample = tally.error_sample or f"{command}: {kind}: {answer[:300]}"

    try:
        async with aiohttp.ClientSession(connector=connector, timeout=timeout) as session:
            started = time.perf_counter()
            await asyncio.gather(*(worker(session, n) for n in range(concurrency)))
            return tally, time.perf_counter() - started
    finally:
        await answers.stop()


class RssWatch:
    """Samples a process's resident set size every 50 ms while a scenario runs."""

    def __init__(self, server: Service) -> None:
        self.server = server
        self.most = 0.0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        while not self._stop.wait(0.05):
            rss = self.server.rss_mib()
            if rss is not None:
                self.most = max(self.most, rss[0])

    def __enter__(self) -> RssWatch:
        self._thread.start()
        return self

    def __exit__(self, *_exc: object) -> None:
        self._stop.set()
        self._thread.join()


def measure(
    scenario: str,
    server: Service,
    port: int,
    commands: list[str],
    *,
    secret: str,
    panels: list[int],
    warmup: int,
    requests: int,
    concurrency: int = CONCURRENCY,
    answered_later: bool = True,
) -> Result:
    options = {"concurrency": concurrency, "answered_later": answered_later}
    asyncio.run(load(port, commands, warmup, secret, panels, **options))
    server.ensure_alive()
    time.sleep(0.2)  # answers still being sent after the warm-up's last ack
    server_cpu = server.cpu_seconds()
    own = own_cpu()
    with RssWatch(server) as rss:
        tally, seconds = asyncio.run(load(port, commands, requests, secret, panels, **options))
    server_after = server.cpu_seconds()
    own_used = own_cpu() - own
    server.ensure_alive()
    ms = sorted(x * 1000 for x in tally.latencies)
    errors = sum(tally.errors.values())
    per_command = {}
    if len(commands) > 1:
        for command, samples in tally.by_command.items():
            each = sorted(x * 1000 for x in samples)
            per_command[command] = {
                "requests": len(each),
                "p50_ms": round(statistics.median(each), 2),
                "p99_ms": round(percentile(each, 99), 2),
            }
    return Result(
        scenario=scenario,
        app=server.name,
        text=" / ".join(commands),
        in_flight=concurrency,
        requests=len(ms),
        errors=errors,
        seconds=round(seconds, 3),
        throughput=round(len(ms) / seconds, 1),
        p50_ms=round(statistics.median(ms), 2),
        p90_ms=round(percentile(ms, 90), 2),
        p99_ms=round(percentile(ms, 99), 2),
        max_ms=round(ms[-1], 2),
        server_cpu_ms_per_request=(
            round((server_after - server_cpu) * 1000 / len(ms), 3)
            if server_cpu is not None and server_after is not None
            else None
        ),
        loadgen_cpu_ms_per_request=round(own_used * 1000 / len(ms), 3),
        server_rss_mib=round(rss.most, 1) if rss.most else None,
        error_kinds=dict(tally.errors),
        error_sample=tally.error_sample,
        per_command=per_command,
    )


def probe_listing(port: int, secret: str) -> dict[str, Any]:
    """One ``/panel list`` answer, looked at closely: it must show more than a page of panels."""
    body = command_body("list", 0, "http://127.0.0.1:9/")
    request = urllib.request.Request(
        f"http://127.0.0.1:{port}/slack/events",
        data=body,
        headers={
            "Content-Type": "application/x-www-form-urlencoded",
            **sign(secret, body.decode()),
        },
    )
    with urllib.request.urlopen(request, timeout=10) as response:
        answer = json.loads(response.read())
    sections = [b["text"]["text"] for b in answer.get("blocks", []) if b.get("type") == "section"]
    # Section headings are the product's wording; count panel lines per section instead.
    shown = [len(REFERENCE.findall(s)) for s in sections if REFERENCE.search(s)]
    more = re.search(r"(\d+) more", " ".join(sections))
    found = {
        "panels_per_section": shown,
        "more_not_shown": int(more.group(1)) if more else 0,
        "response_bytes": len(json.dumps(answer)),
    }
    if len(shown) < 2 or sum(shown) <= 15:
        raise BenchError(f"/panel list does not show upcoming and recent seeded panels: {answer}")
    return found


# --------------------------------------------------------------------------- report
def markdown(results: list[Result]) -> str:
    rows = [
        "| scenario | in flight | requests | errors | req/s | p50 ms | p99 ms"
        " | server CPU ms/req | server RSS MiB |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for r in results:
        cpu = "n/a" if r.server_cpu_ms_per_request is None else f"{r.server_cpu_ms_per_request:.2f}"
        rss = "n/a" if r.server_rss_mib is None else f"{r.server_rss_mib:.0f}"
        rows.append(
            f"| {r.scenario} | {r.in_flight} | {r.requests} | {r.errors} | {r.throughput:.0f} |"
            f" {r.p50_ms:.1f} | {r.p99_ms:.1f} | {cpu} | {rss} |"
        )
        for command, c in r.per_command.items():
            rows.append(
                f"| … of which `{command}` | | {c['requests']:.0f} | | |"
                f" {c['p50_ms']:.1f} | {c['p99_ms']:.1f} | | |"
            )
    return "\n".join(rows)


# --------------------------------------------------------------------------- main
def run(args: argparse.Namespace) -> dict[str, Any]:
    sizes = QUICK if args.quick else FULL
    warmup = args.warmup if args.warmup is not None else sizes["warmup"]
    requests = args.requests if args.requests is not None else sizes["requests"]
    cache_env = (
        {} if args.read_cache_size is None else {"HIREBOT_READ_CACHE_SIZE": args.read_cache_size}
    )
    secret = f"bench-{uuid.uuid4().hex}"
    now = datetime.now(UTC)
    measured: list[Result] = []
    # Other work on the machine skews every number; record how busy it was.
    load_before = os.getloadavg()[0]
    if load_before > 0.5 * (os.cpu_count() or 1):
        print(f"note: the machine is busy (load average {load_before:.2f})", flush=True)
    with contextlib.ExitStack() as stack:
        workdir = Path(stack.enter_context(tempfile.TemporaryDirectory(prefix="hirebot-bench-")))
        if args.database_url:
            url = stack.enter_context(scratch_postgres(args.database_url))
            database = {"dialect": "postgresql", "server": asyncio.run(postgres_version(url))}
        else:
            url = f"sqlite:///{workdir / 'hirebot.db'}"
            database = {"dialect": "sqlite", "server": None}
        print(f"seeding {PANELS} panels ({database['dialect']}) …", flush=True)
        seeded = asyncio.run(seed_database(url, now))
        print(f"  {asdict(seeded)}", flush=True)
        panels = seeded.sample_panels

        fake, api_url = start_fake_slack(workdir)
        stack.callback(fake.stop)
        slack_env = {
            "SLACK_BOT_TOKEN": BOT_TOKEN,
            "SLACK_SIGNING_SECRET": secret,
            "SLACK_API_URL": api_url,
        }
        common = {"secret": secret, "panels": panels, "warmup": warmup, "requests": requests}

        bare_port = free_port()
        bare = Service(
            "bare",
            [sys.executable, str(BENCH / "bare_app.py")],
            child_env(**slack_env, PORT=str(bare_port)),
            workdir,
        )
        stack.callback(bare.stop)
        wait_until(lambda: tcp_open(bare_port), bare)
        time.sleep(0.5)
        bare_idle = bare.rss_mib()
        for text in ("help", "list"):
            print(f"bare {text} …", flush=True)
            measured.append(
                measure(f"bare `{text}`", bare, bare_port, [text], answered_later=False, **common)
            )
        # The cheapest ack-then-answer: the bare app acks, then posts a fixed answer.
        print("bare respond …", flush=True)
        measured.append(measure("bare `respond`", bare, bare_port, ["respond"], **common))
        bare.stop()

        port = free_port()
        hirebot = Service(
            "hirebot",
            [sys.executable, "-m", "bot.cli", "serve"],
            child_env(**slack_env, **cache_env, PORT=str(port), DATABASE_URL=url),
            workdir,
        )
        stack.callback(hirebot.stop)
        wait_until(lambda: healthy(port), hirebot)
        time.sleep(0.5)
        idle = hirebot.rss_mib()
        listing = probe_listing(port, secret)
        for text in ("help", *COMMANDS):
            print(f"hirebot {text} …", flush=True)
            measured.append(measure(f"hirebot `{text}`", hirebot, port, [text], **common))
        # Under mixed load, four workers on each command: the answers sent after an ack
        # compete with the next acks on the one event loop.
        print("hirebot mixed …", flush=True)
        measured.append(measure("hirebot mixed", hirebot, port, list(COMMANDS), **common))
        # The same listing with nobody queueing: its service time, not its wait for the CPU.
        print("hirebot list, one at a time …", flush=True)
        alone = {**common, "requests": max(50, requests // 6), "warmup": min(warmup, 50)}
        measured.append(
            measure(
                "hirebot `list`, one at a time", hirebot, port, ["list"], **alone, concurrency=1
            )
        )
        after_load = hirebot.rss_mib()
        hirebot.stop()

    by_name = {r.scenario: r for r in measured}
    bare_help = by_name["bare `help`"].throughput
    help_ratio = by_name["hirebot `help`"].throughput / bare_help
    targets: dict[str, Any] = {
        "help_throughput_vs_bare": {
            "target": f">= {HELP_THROUGHPUT_TARGET}",
            "value": round(help_ratio, 3),
            "met": help_ratio >= HELP_THROUGHPUT_TARGET,
        }
    }
    for command in COMMANDS:
        r = by_name[f"hirebot `{command}`"]
        targets[f"{command}_p99_ms"] = {
            "target": f"< {P99_TARGET_MS:g}",
            "value": r.p99_ms,
            "met": r.p99_ms < P99_TARGET_MS,
        }
        ratio = r.throughput / bare_help
        targets[f"{command}_throughput_vs_bare_help"] = {
            "target": f">= {THROUGHPUT_TARGET}",
            "value": round(ratio, 3),
            "met": ratio >= THROUGHPUT_TARGET,
        }
    most_rss = max((r.server_rss_mib or 0.0) for r in measured if r.app == "hirebot")
    memory = {
        "hirebot_idle_mib": round(idle[0], 1) if idle else None,
        "hirebot_under_load_max_mib": round(most_rss, 1),
        "hirebot_peak_mib": round(after_load[1], 1) if after_load else None,
        "bare_idle_mib": round(bare_idle[0], 1) if bare_idle else None,
    }
    peak = memory["hirebot_peak_mib"] or most_rss
    targets["rss_mib"] = {
        "target": f"< {RSS_TARGET_MIB:g}",
        "value": peak,
        "met": peak < RSS_TARGET_MIB,
    }
    return {
        "benchmark": "ack",
        "at": now.isoformat(timespec="seconds"),
        "machine": machine(),
        "load_average": {"before": round(load_before, 2), "after": round(os.getloadavg()[0], 2)},
        "database": database,
        "config": {
            "concurrency": CONCURRENCY,
            "warmup": warmup,
            "requests": requests,
            "quick": args.quick,
            "caller": CALLER,
            "sample_panels": panels,
        },
        "seeded": asdict(seeded),
        "list_response": listing,
        "memory": memory,
        "scenarios": [asdict(r) for r in measured],
        "targets": targets,
        "errors": sum(r.errors for r in measured),
    }


def report(summary: dict[str, Any]) -> str:
    results = [Result(**r) for r in summary["scenarios"]]
    targets = summary["targets"]
    db = summary["database"]
    verdict = {True: "met", False: "MISSED"}
    m = summary["memory"]
    lines = [
        f"### ack — {db['dialect']}{' ' + db['server'] if db['server'] else ''},"
        f" {summary['seeded']['panels']} panels, concurrency {summary['config']['concurrency']},"
        f" {summary['config']['requests']} requests per scenario",
        "",
        markdown(results),
        "",
    ]
    for name, t in targets.items():
        lines.append(f"- {name}: **{t['value']}** (target {t['target']}: {verdict[t['met']]})")
    lines += [
        f"- server RSS: hirebot idle {m['hirebot_idle_mib']} MiB, under load up to"
        f" {m['hirebot_under_load_max_mib']} MiB (peak {m['hirebot_peak_mib']} MiB);"
        f" bare app idle {m['bare_idle_mib']} MiB",
        f"- machine: {machine_line(summary['machine'])}; load average"
        f" {summary['load_average']['before']:.2f} before, {summary['load_average']['after']:.2f}"
        " after",
    ]
    for r in results:
        if r.errors:
            lines.append(f"- errors in {r.scenario}: {r.error_kinds}; e.g. {r.error_sample}")
    return "\n".join(lines)


def default_output(args: argparse.Namespace) -> Path:
    name = "ack" + ("-postgresql" if args.database_url else "") + ("-quick" if args.quick else "")
    return RESULTS / f"{name}.json"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="HireBot's slash-command ack vs a bare Bolt app")
    parser.add_argument("--quick", action="store_true", help="a short run (smoke test)")
    parser.add_argument(
        "--database-url",
        help="a PostgreSQL server to run on (a scratch database is created and dropped there);"
        " default: SQLite in a temporary directory",
    )
    parser.add_argument("--requests", type=int, help="measured requests per scenario")
    parser.add_argument("--warmup", type=int, help="warm-up requests per scenario")
    parser.add_argument("--output", type=Path, help="where to write the JSON results")
    parser.add_argument(
        "--read-cache-size",
        help="HIREBOT_READ_CACHE_SIZE for hirebot (0: every answer computed afresh)",
    )
    args = parser.parse_args(argv)
    if args.database_url and not re.match(r"postgres(ql)?(\+asyncpg)?://", args.database_url):
        parser.error("--database-url must be a postgresql:// URL (SQLite is the default)")
    # A terminated benchmark still unwinds: subprocesses stopped, scratch database dropped.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    try:
        summary = run(args)
    except BenchError as exc:
        print(f"bench/ack.py: {exc}", file=sys.stderr)
        return 1
    output = args.output or default_output(args)
    output.parent.mkdir(parents=True, exist_ok=True)
    output.write_text(json.dumps(summary, indent=2) + "\n")
    print()
    print(report(summary))
    print(f"\nresults written to {output}")
    return 0 if summary["errors"] == 0 else 1


if __name__ == "__main__":
    raise SystemExit(main())
