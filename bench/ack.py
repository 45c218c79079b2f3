"""How fast HireBot acks ``/panel`` compared with a bare Bolt app on the same stack.

Slack gives an app 3 seconds to ack a slash command, and a slow ack is what users feel first.
This benchmark posts signed ``/panel help`` and ``/panel list`` requests, 16 at a time, to a real
``hirebot serve`` process (HTTP mode, 5,000 panels in the database) and to a bare Bolt app whose
listener only acks (``bench/bare_app.py``), both talking to the loopback fake Slack in a third
process. The load generator runs in this process, so the server, the fake and the load
generator each have an event loop (and a GIL) of their own. The baseline runs in the same
invocation on the same machine, so the ratios mean something even where the absolute numbers
depend on the machine.

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
import importlib.metadata
import itertools
import json
import os
import platform
import random
import re
import resource
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
import uuid
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from urllib.parse import urlencode, urlsplit, urlunsplit

import aiohttp
from sqlalchemy import insert, text

from bot.db import Database, is_sqlite
from bot.devtools import people
from bot.devtools.wire import sign
from bot.models import (
    Candidate,
    FocusArea,
    Panel,
    PanelFormat,
    Panelist,
    PanelStatus,
    Perspective,
    Role,
)

BENCH = Path(__file__).resolve().parent
ROOT = BENCH.parent
RESULTS = BENCH / "results"

BOT_TOKEN = "xoxb-bench"
CALLER = people.COORDINATOR  # in the fake's directory, so users.info answers
CONCURRENCY = 16
PANELS = 5_000
CALLER_EVERY = 10  # the caller coordinates or sits on one panel in ten
RESIGN_SECONDS = 60  # Slack signatures are accepted for five minutes
HELP_THROUGHPUT_TARGET = 0.8  # hirebot help req/s over bare req/s
LIST_P99_TARGET_MS = 50.0

FULL = {"warmup": 200, "requests": 3_000}
QUICK = {"warmup": 50, "requests": 500}


class BenchError(RuntimeError):
    """The benchmark could not run (a process died, a server never came up)."""


# --------------------------------------------------------------------------- processes
class Service:
    """A subprocess with its output in a log file, stopped with terminate, then kill."""

    def __init__(self, name: str, argv: list[str], env: dict[str, str], workdir: Path) -> None:
        self.name = name
        self.log_path = workdir / f"{name}.log"
        self._log = self.log_path.open("wb")
        self.proc = subprocess.Popen(
            argv,
            env=env,
            cwd=workdir,  # away from any .env in the checkout
            stdin=subprocess.DEVNULL,
            stdout=self._log,
            stderr=subprocess.STDOUT,
        )

    def stop(self, timeout: float = 10.0, how: signal.Signals = signal.SIGTERM) -> None:
        if self.proc.poll() is None:
            self.proc.send_signal(how)
            try:
                self.proc.wait(timeout)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        self._log.close()

    def output(self) -> str:
        return self.log_path.read_text(errors="replace")

    def ensure_alive(self) -> None:
        if self.proc.poll() is not None:
            tail = "\n".join(self.output().splitlines()[-30:])
            raise BenchError(f"{self.name} exited with code {self.proc.returncode}:\n{tail}")

    def cpu_seconds(self) -> float | None:
        """User+system CPU time of the process so far (Linux), to see where cycles go."""
        try:
            fields = Path(f"/proc/{self.proc.pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            return None
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def child_env(**settings: str) -> dict[str, str]:
    """This environment without the caller's Slack/HireBot settings, plus ``settings``."""
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("SLACK_", "HIREBOT_")) and k not in ("DATABASE_URL", "PORT")
    }
    env["PYTHONUNBUFFERED"] = "1"
    # This checkout first: an editable install made before a package had its __init__.py
    # resolves it as a namespace package from any other directory.
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(ROOT), env.get("PYTHONPATH")]))
    return {**env, **settings}


def wait_until(ready: Callable[[], bool], service: Service, timeout: float = 60.0) -> None:
    deadline = time.monotonic() + timeout
    while not ready():
        service.ensure_alive()
        if time.monotonic() > deadline:
            raise BenchError(f"{service.name} not ready after {timeout:.0f} s")
        time.sleep(0.1)


def start_fake_slack(workdir: Path) -> tuple[Service, str]:
    """The fake Slack in its own process; returns it and its Web API base URL."""
    fake = Service(
        "fake-slack",
        [sys.executable, str(BENCH / "fake_slack_server.py"), "--port", "0"],
        child_env(),
        workdir,
    )
    found: list[str] = []

    def ready() -> bool:
        found.extend(re.findall(r"^READY (\S+)$", fake.output(), re.M))
        return bool(found)

    wait_until(ready, fake)
    return fake, found[0]


def tcp_open(port: int) -> bool:
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=0.5):
            return True
    except OSError:
        return False


def healthy(port: int) -> bool:
    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=2) as response:
            return response.status == 200
    except (OSError, urllib.error.URLError):
        return False


# --------------------------------------------------------------------------- database
@dataclass
class Seeded:
    panels: int
    panelists: int
    caller_panels: int
    caller_upcoming: int
    caller_last_two_weeks: int
    caller_cancelled: int
    seconds: float


ROLE_TITLES = [
    "Senior Data Engineer",
    "Staff Data Engineer",
    "Backend Engineer",
    "Frontend Engineer",
    "Site Reliability Engineer",
    "Engineering Manager",
    "Product Manager",
    "Product Designer",
    "Data Scientist",
    "Security Engineer",
    "Technical Writer",
    "Solutions Architect",
]
FIRST = ["Ada", "Grace", "Alan", "Barbara", "Edsger", "Frances", "Ken", "Radia", "Tim", "Sophie"]
LAST = ["Lovelace", "Hopper", "Turing", "Liskov", "Dijkstra", "Allen", "Thompson", "Perlman"]
ZONES = ["America/New_York", "America/Chicago", "Europe/Berlin", "Europe/London", "Asia/Kolkata"]


async def seed_database(url: str, now: datetime, count: int = PANELS) -> Seeded:
    """Upgrade the schema, then bulk-insert ``count`` panels spread over the past half year and
    the next three months; the caller runs or sits on one in ``CALLER_EVERY``.

    Rows go straight in with SQLAlchemy (the project's models, the shape ``PanelService.schedule``
    writes): seeding through Slack would take longer than the benchmark itself.
    """
    started = time.perf_counter()
    rng = random.Random(15)
    cast = [u.id for u in people.CAST if u.id != CALLER]
    colleagues = cast + [f"UBENCH{n:04d}" for n in range(300)]
    roles = [
        {"id": i, "title": t, "responsibilities": f"What a {t} owns.", "created_at": now}
        for i, t in enumerate(ROLE_TITLES, 1)
    ]
    candidates: list[dict[str, Any]] = []
    panels: list[dict[str, Any]] = []
    seats: list[dict[str, Any]] = []
    caller_panels = upcoming = recent = caller_cancelled = 0
    for pid in range(1, count + 1):
        starts = (now + timedelta(minutes=rng.randrange(-180 * 24 * 60, 90 * 24 * 60))).replace(
            second=0, microsecond=0
        )
        involved = pid % CALLER_EVERY == 0
        as_coordinator = involved and pid % (2 * CALLER_EVERY) == 0
        chosen = rng.sample(colleagues, rng.randint(3, 4))
        cancelled = rng.random() < 0.05
        if involved and not as_coordinator:
            chosen[rng.randrange(len(chosen))] = CALLER
        candidates.append(
            {"id": pid, "name": f"{rng.choice(FIRST)} {rng.choice(LAST)} {pid}", "created_at": now}
        )
        panels.append(
            {
                "id": pid,
                "candidate_id": pid,
                "role_id": rng.randint(1, len(roles)),
                "round_number": 2,
                "starts_at": starts,
                "duration_minutes": rng.choice([45, 60, 90]),
                "timezone": rng.choice(ZONES),
                "format": rng.choice(list(PanelFormat)).value,
                "location": "https://meet.example.com/panel-" + str(pid),
                "resume_url": f"https://files.example.com/resume-{pid}.pdf" if pid % 3 else None,
                "coordinator_id": CALLER if as_coordinator else rng.choice(cast),
                "hiring_manager_id": rng.choice(cast),
                "recruiter_id": rng.choice(cast),
                "status": (PanelStatus.CANCELLED if cancelled else PanelStatus.SCHEDULED).value,
                "created_at": starts - timedelta(days=7),
                "updated_at": starts - timedelta(days=7),
            }
        )
        seats += [
            {
                "panel_id": pid,
                "user_id": user_id,
                "position": position,
                "focus_area": rng.choice(list(FocusArea)).value,
                "focus_detail": "",
                "perspective": rng.choice(list(Perspective)).value,
            }
            for position, user_id in enumerate(chosen)
        ]
        if involved or CALLER in chosen:
            caller_panels += 1
            upcoming += starts >= now
            caller_cancelled += cancelled
            recent += now - timedelta(days=14) <= starts < now
    db = Database(url)
    try:
        await db.upgrade()
        async with db.session() as session:
            for model, rows in ((Role, roles), (Candidate, candidates), (Panel, panels)):
                await session.execute(insert(model), rows)
            await session.execute(insert(Panelist), seats)
            if not is_sqlite(db.url):  # explicit ids: move the sequences past them
                for table in ("roles", "candidates", "panels", "panelists"):
                    await session.execute(
                        text(
                            f"SELECT setval(pg_get_serial_sequence('{table}', 'id'),"
                            f" (SELECT max(id) FROM {table}))"
                        )
                    )
    finally:
        await db.dispose()
    return Seeded(
        panels=len(panels),
        panelists=len(seats),
        caller_panels=caller_panels,
        caller_upcoming=upcoming,
        caller_last_two_weeks=recent,
        caller_cancelled=caller_cancelled,
        seconds=round(time.perf_counter() - started, 2),
    )


@contextlib.contextmanager
def scratch_postgres(url: str) -> Iterator[str]:
    """A fresh database on the server ``url`` names, dropped afterwards; nothing else changes."""
    import asyncpg

    parts = urlsplit(url)
    admin_dsn = urlunsplit(("postgresql", parts.netloc, parts.path, parts.query, ""))
    name = f"hirebot_bench_{uuid.uuid4().hex[:8]}"

    async def admin(sql: str) -> None:
        conn = await asyncpg.connect(admin_dsn)
        try:
            await conn.execute(sql)
        finally:
            await conn.close()

    asyncio.run(admin(f'CREATE DATABASE "{name}"'))
    try:
        yield urlunsplit((parts.scheme, parts.netloc, "/" + name, parts.query, ""))
    finally:
        asyncio.run(admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))


async def postgres_version(url: str) -> str:
    import asyncpg

    parts = urlsplit(url)
    conn = await asyncpg.connect(urlunsplit(("postgresql", parts.netloc, parts.path, "", "")))
    try:
        return str(await conn.fetchval("SHOW server_version"))
    finally:
        await conn.close()


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
    error_kinds: dict[str, int] = field(default_factory=dict)
    error_sample: str | None = None


Check = Callable[[str], bool]
REFERENCE = re.compile(r"\*P-\d+\*")  # how a panel line starts in /panel list


def is_ok(_body: str) -> bool:
    return True


def is_usage(body: str) -> bool:
    return "Usage: /panel" in body


def is_listing(body: str) -> bool:
    return REFERENCE.search(body) is not None


def command_body(text: str, worker: int, api_url: str) -> bytes:
    """A ``/panel`` slash command as Slack form-encodes it (``SlackWire.command``'s fields)."""
    trigger = f"bench-{worker}"
    root = api_url.removesuffix("api/")
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
            "response_url": f"{root}response/{trigger}",
            "trigger_id": trigger,
        }
    ).encode()


@dataclass
class Tally:
    latencies: list[float] = field(default_factory=list)
    errors: Counter[str] = field(default_factory=Counter)
    error_sample: str | None = None


async def load(
    port: int,
    text: str,
    requests: int,
    check: Check,
    secret: str,
    api_url: str,
    concurrency: int = CONCURRENCY,
) -> tuple[Tally, float]:
    """``requests`` commands from ``concurrency`` workers in a closed loop; returns the tally
    and the wall time. Each worker reuses its body and signature, re-signing every minute."""
    url = f"http://127.0.0.1:{port}/slack/events"
    tally = Tally()
    issued = itertools.count()
    connector = aiohttp.TCPConnector(limit=concurrency)
    timeout = aiohttp.ClientTimeout(total=10)

    async def worker(session: aiohttp.ClientSession, n: int) -> None:
        body = command_body(text, n, api_url)
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
            try:
                async with session.post(url, data=body, headers=headers) as response:
                    answer = await response.text()
                    if response.status != 200:
                        kind = f"HTTP {response.status}"
                    elif not check(answer):
                        kind = "wrong answer"
            except (aiohttp.ClientError, TimeoutError) as exc:
                kind = type(exc).__name__
                answer = str(exc)
            tally.latencies.append(time.perf_counter() - started)
            if kind:
                tally.errors[kind] += 1
                tally.error_sample = tally.error_sample or f"{kind}: {answer[:300]}"

    async with aiohttp.ClientSession(connector=connector, timeout=timeout) as session:
        started = time.perf_counter()
        await asyncio.gather(*(worker(session, n) for n in range(concurrency)))
        return tally, time.perf_counter() - started


def percentile(sorted_ms: list[float], q: float) -> float:
    """Nearest-rank percentile: the smallest sample at or above ``q`` of all samples."""
    rank = max(1, -(-len(sorted_ms) * q // 100))
    return sorted_ms[int(rank) - 1]


def measure(
    scenario: str,
    server: Service,
    port: int,
    text: str,
    check: Check,
    *,
    secret: str,
    api_url: str,
    warmup: int,
    requests: int,
    concurrency: int = CONCURRENCY,
) -> Result:
    asyncio.run(load(port, text, warmup, check, secret, api_url, concurrency))
    server.ensure_alive()
    server_cpu = server.cpu_seconds()
    own_cpu = _own_cpu()
    tally, seconds = asyncio.run(load(port, text, requests, check, secret, api_url, concurrency))
    server_after = server.cpu_seconds()
    own_used = _own_cpu() - own_cpu
    server.ensure_alive()
    ms = sorted(x * 1000 for x in tally.latencies)
    errors = sum(tally.errors.values())
    return Result(
        scenario=scenario,
        app=server.name,
        text=text,
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
        error_kinds=dict(tally.errors),
        error_sample=tally.error_sample,
    )


def _own_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def probe_listing(port: int, secret: str, api_url: str) -> dict[str, Any]:
    """One ``/panel list`` answer, looked at closely: it must show more than a page of panels."""
    body = command_body("list", 0, api_url)
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
def machine() -> dict[str, Any]:
    cpu = "unknown"
    ram_gib: float | None = None
    with contextlib.suppress(OSError):
        models = re.findall(r"^model name\s*:\s*(.+)$", Path("/proc/cpuinfo").read_text(), re.M)
        cpu = models[0].strip() if models else cpu
    with contextlib.suppress(OSError, AttributeError):
        kib = re.search(r"^MemTotal:\s*(\d+) kB", Path("/proc/meminfo").read_text(), re.M)
        ram_gib = round(int(kib.group(1)) / 1024**2, 1)  # type: ignore[union-attr]
    packages = ["slack_bolt", "slack_sdk", "starlette", "uvicorn", "SQLAlchemy", "aiosqlite"]
    packages += ["asyncpg", "aiohttp"]
    return {
        "nproc": os.cpu_count(),
        "cpu": cpu,
        "ram_gib": ram_gib,
        "python": platform.python_version(),
        "os": platform.platform(),
        "packages": {p: _version(p) for p in packages},
    }


def _version(package: str) -> str | None:
    try:
        return importlib.metadata.version(package)
    except importlib.metadata.PackageNotFoundError:
        return None


def machine_line(m: dict[str, Any]) -> str:
    return f"{m['nproc']} CPU ({m['cpu']}), {m['ram_gib']} GiB RAM, Python {m['python']}, {m['os']}"


def markdown(results: list[Result]) -> str:
    rows = [
        "| scenario | in flight | requests | errors | req/s | p50 ms | p99 ms | server CPU ms/req |",
        "|---|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for r in results:
        cpu = "n/a" if r.server_cpu_ms_per_request is None else f"{r.server_cpu_ms_per_request:.2f}"
        rows.append(
            f"| {r.scenario} | {r.in_flight} | {r.requests} | {r.errors} | {r.throughput:.0f} |"
            f" {r.p50_ms:.1f} | {r.p99_ms:.1f} | {cpu} |"
        )
    return "\n".join(rows)


# --------------------------------------------------------------------------- main
def run(args: argparse.Namespace) -> dict[str, Any]:
    sizes = QUICK if args.quick else FULL
    warmup = args.warmup if args.warmup is not None else sizes["warmup"]
    requests = args.requests if args.requests is not None else sizes["requests"]
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

        fake, api_url = start_fake_slack(workdir)
        stack.callback(fake.stop)
        slack_env = {
            "SLACK_BOT_TOKEN": BOT_TOKEN,
            "SLACK_SIGNING_SECRET": secret,
            "SLACK_API_URL": api_url,
        }
        common = {"secret": secret, "api_url": api_url, "warmup": warmup, "requests": requests}

        bare_port = free_port()
        bare = Service(
            "bare",
            [sys.executable, str(BENCH / "bare_app.py")],
            child_env(**slack_env, PORT=str(bare_port)),
            workdir,
        )
        stack.callback(bare.stop)
        wait_until(lambda: tcp_open(bare_port), bare)
        for text in ("help", "list"):
            print(f"bare {text} …", flush=True)
            measured.append(measure(f"bare `{text}`", bare, bare_port, text, is_ok, **common))
        bare.stop()

        port = free_port()
        hirebot = Service(
            "hirebot",
            [sys.executable, "-m", "bot.cli", "serve"],
            child_env(**slack_env, PORT=str(port), DATABASE_URL=url),
            workdir,
        )
        stack.callback(hirebot.stop)
        wait_until(lambda: healthy(port), hirebot)
        listing = probe_listing(port, secret, api_url)
        for text, check in (("help", is_usage), ("list", is_listing)):
            print(f"hirebot {text} …", flush=True)
            measured.append(measure(f"hirebot `{text}`", hirebot, port, text, check, **common))
        # The same listing with nobody queueing: its service time, not its wait for the CPU.
        print("hirebot list, one at a time …", flush=True)
        alone = {**common, "requests": max(50, requests // 6), "warmup": min(warmup, 50)}
        measured.append(
            measure(
                "hirebot `list`, one at a time",
                hirebot,
                port,
                "list",
                is_listing,
                **alone,
                concurrency=1,
            )
        )
        hirebot.stop()

    by_name = {r.scenario: r for r in measured}
    help_ratio = by_name["hirebot `help`"].throughput / by_name["bare `help`"].throughput
    list_p99 = by_name["hirebot `list`"].p99_ms
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
        },
        "seeded": asdict(seeded),
        "list_response": listing,
        "scenarios": [asdict(r) for r in measured],
        "ratios": {
            "help_throughput_vs_bare": round(help_ratio, 3),
            "list_throughput_vs_bare": round(
                by_name["hirebot `list`"].throughput / by_name["bare `list`"].throughput, 3
            ),
        },
        "targets": {
            "help_throughput_vs_bare": {
                "target": f">= {HELP_THROUGHPUT_TARGET}",
                "met": help_ratio >= HELP_THROUGHPUT_TARGET,
            },
            "list_p99_ms": {
                "target": f"< {LIST_P99_TARGET_MS:g}",
                "met": list_p99 < LIST_P99_TARGET_MS,
            },
        },
        "errors": sum(r.errors for r in measured),
    }


def report(summary: dict[str, Any]) -> str:
    results = [Result(**r) for r in summary["scenarios"]]
    by_name = {r.scenario: r for r in results}
    ratios, targets = summary["ratios"], summary["targets"]
    db = summary["database"]
    verdict = {True: "met", False: "MISSED"}
    lines = [
        f"### ack — {db['dialect']}{' ' + db['server'] if db['server'] else ''},"
        f" {summary['seeded']['panels']} panels, concurrency {summary['config']['concurrency']},"
        f" {summary['config']['requests']} requests per scenario",
        "",
        markdown(results),
        "",
        f"- hirebot `help` throughput / bare: **{ratios['help_throughput_vs_bare']:.2f}**"
        f" (target {targets['help_throughput_vs_bare']['target']}:"
        f" {verdict[targets['help_throughput_vs_bare']['met']]})",
        f"- hirebot `list` p99: **{by_name['hirebot `list`'].p99_ms:.1f} ms**"
        f" (target {targets['list_p99_ms']['target']} ms: {verdict[targets['list_p99_ms']['met']]})",
        f"- hirebot `list` throughput / bare: {ratios['list_throughput_vs_bare']:.2f}",
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
